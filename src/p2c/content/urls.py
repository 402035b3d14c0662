"""Public editorial URLs."""

from django.urls import path

from p2c.content import views

app_name = "content"
urlpatterns = [
    path("about/", views.about, name="about"),
    path("timeline/", views.timeline, name="timeline"),
    path("pages/<slug:slug>/", views.page_detail, name="page"),
]
