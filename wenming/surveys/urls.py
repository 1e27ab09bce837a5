from django.urls import path

from . import views

app_name = "surveys"
urlpatterns = [
    path("", views.survey_list, name="list"),
    path("new/", views.survey_new, name="new"),
    path("<int:pk>/", views.survey_detail, name="detail"),
    path("<int:pk>/edit/", views.survey_edit, name="edit"),
    path("<int:pk>/do/<str:action>/", views.transition, name="transition"),
    path("<int:pk>/questions/new/", views.question_new, name="question_new"),
    path("<int:pk>/questions/<int:qid>/", views.question_edit, name="question"),
    path("<int:pk>/questions/<int:qid>/delete/", views.question_delete, name="question_delete"),
    path("<int:pk>/quotas/", views.quotas, name="quotas"),
    path("<int:pk>/results/", views.results, name="results"),
    path("<int:pk>/results.xlsx", views.report, name="report"),
    path("<int:pk>/links/", views.survey_links, name="links"),
    path("<int:pk>/qr/<str:district>.svg", views.survey_qr, name="qr"),
    # The public side: no login.
    path("a/<str:code>/<str:district>/", views.answer, name="answer"),
    path("a/<str:code>/<str:district>/thanks/", views.thanks, name="thanks"),
]
