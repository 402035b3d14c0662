"""Views of the open-data app: the bulk downloads (public) and the bulk import (secretariat)."""
