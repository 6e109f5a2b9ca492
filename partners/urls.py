from django.urls import path

from partners import views

app_name = "partners"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", views.SignOutView.as_view(), name="logout"),
    path(
        "password/",
        views.partner_required(views.PasswordChangeView.as_view()),
        name="password-change",
    ),
    path("keys/<str:prefix>/rotate/", views.rotate_key, name="rotate-key"),
]
