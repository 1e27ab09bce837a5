from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("", views.ledger, name="ledger"),
    path("export.xlsx", views.export, name="export"),
    path("timeline/", views.timeline, name="timeline"),
    path("tasks/<int:pk>/", views.task_page, name="task"),
    path("tasks/<int:pk>/progress/", views.progress, name="progress"),
    path("tasks/<int:pk>/move/", views.move, name="move"),
    path("tasks/<int:pk>/edit/", views.edit, name="edit"),
    path("tasks/<int:pk>/milestones/", views.milestone_add, name="milestone_add"),
    path(
        "tasks/<int:pk>/milestones/<int:milestone_id>/done/",
        views.milestone_done,
        name="milestone_done",
    ),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("campaigns/", views.campaign_list, name="campaigns"),
    path("campaigns/<int:pk>/", views.campaign_page, name="campaign"),
    path("campaigns/<int:pk>/plans/", views.plan_add, name="plan_add"),
    path("campaigns/<int:pk>/generate/", views.generate, name="generate"),
    path("campaigns/<int:pk>/merge/", views.merge, name="merge"),
    path("campaigns/<int:pk>/publish/", views.publish, name="publish"),
    path("campaigns/<int:pk>/coverage/", views.coverage, name="coverage"),
    path("campaigns/<int:pk>/letters/", views.letters_page, name="letters"),
    path("campaigns/<int:pk>/letters/make/", views.letters_make, name="letters_make"),
    path("work-plans/<int:pk>/document/", views.plan_document, name="plan_document"),
    path("letters/<int:pk>/document/", views.letter_document, name="letter_document"),
    path("letters/<int:pk>/scan/", views.letter_scan, name="letter_scan"),
    path("letters/<int:pk>/sign/", views.sign, name="sign"),
]
