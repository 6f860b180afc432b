"""The change site: upcoming changes (public), the change proposals and their threads, and releasing a
version (signed in: dataset/views/proposals_wrapper.py)."""

from django.urls import path

from .views import proposals, proposals_thread, proposals_upcoming

urlpatterns = [
    path("upcoming/", proposals_upcoming.upcoming, name="upcoming"),
    path("release/", proposals_upcoming.release, name="release"),
    path("proposals/", proposals.proposal_list, name="proposals"),
    path("proposals/new/", proposals.proposal_new, name="proposal-new"),
    path("proposals/<int:number>/", proposals_thread.proposal_thread, name="proposal"),
    path("proposals/<int:number>/comment/", proposals_thread.proposal_comment, name="proposal-comment"),
    path(
        "proposals/<int:number>/comments/<int:comment>/edit/",
        proposals_thread.proposal_comment_change,
        name="proposal-comment-edit",
    ),
    path("proposals/<int:number>/state/", proposals_thread.proposal_state, name="proposal-state"),
    path("proposals/<int:number>/support/", proposals_thread.proposal_support, name="proposal-support"),
    path("proposals/<int:number>/follow/", proposals_thread.proposal_follow, name="proposal-follow"),
]
