from django.urls import path

from safeplan.accounts import user_views, views

app_name = "accounts"

urlpatterns = [
    path("", views.account, name="account"),
    path("sign-in/", views.SignInView.as_view(), name="sign_in"),
    path("sign-out/", views.SignOutView.as_view(), name="sign_out"),
    path("users/", user_views.users, name="users"),
    path("users/add/", user_views.user_add, name="user_add"),
    path("users/<str:username>/role/", user_views.user_role, name="user_role"),
    path("users/<str:username>/active/", user_views.user_active, name="user_active"),
]
