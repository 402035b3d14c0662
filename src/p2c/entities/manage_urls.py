"""URLs where people register, join and manage their organisations; mounted at ``/my/entities/``."""

from django.urls import path

from p2c.entities import manage_views as views

app_name = "entities_manage"
urlpatterns = [
    path("", views.my_entities, name="mine"),
    path("new/", views.entity_new, name="new"),
    path("join/", views.entity_join, name="join"),
    path("join/<slug:slug>/", views.entity_join_request, name="join_request"),
    path("<slug:slug>/", views.entity_manage, name="manage"),
    path("<slug:slug>/members/<int:pk>/accept/", views.member_accept, name="member_accept"),
    path("<slug:slug>/members/<int:pk>/decline/", views.member_decline, name="member_decline"),
    path("<slug:slug>/members/<int:pk>/promote/", views.member_promote, name="member_promote"),
    path("<slug:slug>/members/<int:pk>/demote/", views.member_demote, name="member_demote"),
    path("<slug:slug>/members/<int:pk>/remove/", views.member_remove, name="member_remove"),
]
