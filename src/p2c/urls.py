"""Top-level URL configuration."""

from django.contrib import admin
from django.urls import path

from p2c.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("health/", core_views.health, name="health"),
    path("admin/", admin.site.urls),
]
