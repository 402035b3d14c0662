"""Progress reporting's URLs, mounted at the site root before the workspace's ``my/`` and the review's
``review/`` (whose ``<reference>/`` would otherwise catch ``review/reports/``)."""

from django.urls import path

from p2c.reporting import views

app_name = "reporting"
urlpatterns = [
    # The pledger's workspace.
    path("my/reports/", views.reports_mine, name="my_reports"),
    path("my/pledges/<str:reference>/report/", views.report_form, name="report_form"),
    path("my/pledges/<str:reference>/report/discard/", views.report_discard, name="report_discard"),
    # The secretariat.
    path("review/reports/", views.review_queue, name="review_queue"),
    path("review/reports/<int:report_id>/", views.review_report, name="review_report"),
    path("review/reports/<int:report_id>/accept/", views.review_accept, name="review_accept"),
    path(
        "review/reports/<int:report_id>/request-clarification/",
        views.review_request_clarification,
        name="review_request_clarification",
    ),
    path("review/cycles/", views.cycles, name="cycles"),
    path("review/cycles/<int:year>/close/", views.cycle_close_view, name="cycle_close"),
]
