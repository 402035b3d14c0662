"""The secretariat's review screens, under ``/review/``."""

from django.urls import path

from p2c.review import views

app_name = "review"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("<str:reference>/", views.detail, name="detail"),
    path("<str:reference>/publish/", views.publish, name="publish"),
    path("<str:reference>/request-changes/", views.request_changes, name="request_changes"),
    path("<str:reference>/reject/", views.reject, name="reject"),
]
