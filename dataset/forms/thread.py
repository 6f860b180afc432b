"""The forms of a proposal's thread: a comment (and its author's change of it), a state change (with its
reason, and the version when it is scheduled), and releasing a version. Each carries the proposal's `version`
it was made from, so a stale one is refused by the service ("this proposal changed since you opened it")."""

from collections.abc import Sequence

from django import forms
from django.utils.translation import gettext_lazy as _

from dataset.models.proposals import REASON_MAX, TEXT_MAX
from dataset.services.releases import SUMMARY_MAX


class IdsOfItsOwn:
    """Several forms share the thread's page: each names its inputs' ids after itself (`comment_body`)."""

    id_prefix = ""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class CommentForm(IdsOfItsOwn, forms.Form):
    id_prefix = "comment"
    body = forms.CharField(
        label=_("Your comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": TEXT_MAX}),
        help_text=_("Everyone who follows this proposal is emailed your comment. It cannot be deleted."),
    )
    version = forms.CharField(widget=forms.HiddenInput, required=False)


class CommentEditForm(IdsOfItsOwn, forms.Form):
    """Its author's: a comment changed. `edits` is how many times it had changed when the form was made."""

    id_prefix = "edit"
    body = forms.CharField(
        label=_("Your comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "maxlength": TEXT_MAX}),
        help_text=_(
            "What it said before stays in the thread, for everyone to read. Followers are not emailed."
        ),
    )
    edits = forms.CharField(widget=forms.HiddenInput, required=False)


class MoveForm(IdsOfItsOwn, forms.Form):
    id_prefix = "move"
    to = forms.CharField(label=_("Move it to"), required=False, widget=forms.RadioSelect)
    scheduled_version = forms.CharField(
        label=_("Data-set version"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": 20, "size": 10, "inputmode": "decimal"}),
        help_text=_("Only when you schedule it: the version it will be released in, e.g. “1.6.0”."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": REASON_MAX}),
        help_text=_("Shown in the thread and emailed to its followers."),
    )
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, states: Sequence[tuple[str, str]] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].widget.choices = states  # shown; what may be chosen is the service's to say


class WithdrawForm(IdsOfItsOwn, forms.Form):
    """Its proposer's: withdraw it, with a reason."""

    id_prefix = "withdraw"

    reason = forms.CharField(
        label=_("Why do you withdraw it?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": REASON_MAX}),
    )
    version = forms.CharField(widget=forms.HiddenInput, required=False)


class ReleaseForm(IdsOfItsOwn, forms.Form):
    id_prefix = "release"
    version = forms.CharField(widget=forms.HiddenInput, required=False)
    summary = forms.CharField(
        label=_("Summary of the release"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": SUMMARY_MAX}),
        help_text=_("Optional: shown in the changelog beside the proposals it releases."),
    )
