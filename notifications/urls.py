from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
