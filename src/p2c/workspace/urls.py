"""The pledger's workspace, mounted at ``/my/`` (``/my/entities/`` belongs to ``p2c.entities``)."""

from django.urls import path

from p2c.workspace import views

app_name = "workspace"
urlpatterns = [
    path("", views.home, name="home"),
    path("pledges/new/", views.pledge_new, name="pledge_new"),
    path("pledges/<str:reference>/", views.pledge_page, name="pledge"),
    path("pledges/<str:reference>/edit/", views.pledge_edit, name="pledge_edit"),
    path("pledges/<str:reference>/submit/", views.pledge_submit_view, name="pledge_submit"),
    path("pledges/<str:reference>/withdraw/", views.pledge_withdraw_view, name="pledge_withdraw"),
    path("pledges/<str:reference>/revise/", views.pledge_revise, name="pledge_revise"),
]
