"""Public pledge pages: the explorer (``explorer``) and the pledge page (``detail``)."""
