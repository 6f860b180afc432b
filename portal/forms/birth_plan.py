"""Her birth plan as a form: one free-text answer per topic, in her own words, with a plain heading and a
hint for each. Every answer may be left empty.

The model's lengths are checked here (with a message that says how long it is and how long it may be),
not by the browser's `maxlength`, which would cut pasted text short without telling her.
"""

from dataclasses import dataclass

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maternity.models import BirthPlan


@dataclass(frozen=True)
class Topic:
    name: str  # the BirthPlan field
    label: Promise  # lazily translated, as are the hint and the group's heading
    hint: Promise


@dataclass(frozen=True)
class Group:
    heading: Promise
    topics: tuple[Topic, ...]


GROUPS = (
    Group(
        gettext_lazy("Where and with whom"),
        (
            Topic(
                "place_of_birth",
                gettext_lazy("Where would you like to give birth?"),
                gettext_lazy(
                    "For example a hospital, a midwife-led unit, or at home. "
                    "You can give a second choice too."
                ),
            ),
            Topic(
                "birth_companions",
                gettext_lazy("Who would you like with you?"),
                gettext_lazy(
                    "For example your partner, a friend, your mother or a doula, and whether they should "
                    "stay for everything."
                ),
            ),
        ),
    ),
    Group(
        gettext_lazy("During labour"),
        (
            Topic(
                "pain_relief",
                gettext_lazy("Pain relief"),
                gettext_lazy(
                    "What you would like to try, and anything you would rather avoid: breathing and massage, "
                    "warm water, gas and air, a TENS machine, injections, an epidural."
                ),
            ),
            Topic(
                "positions_and_water",
                gettext_lazy("Moving around, positions and water"),
                gettext_lazy(
                    "For example moving freely, using a birth ball or stool, a shower, or giving birth in a "
                    "birth pool."
                ),
            ),
            Topic(
                "monitoring",
                gettext_lazy("Listening to your baby's heartbeat"),
                gettext_lazy(
                    "If all is well, how you would like the heartbeat checked: listened to now and then, or "
                    "all the time with a belt round your tummy."
                ),
            ),
        ),
    ),
    Group(
        gettext_lazy("After the birth"),
        (
            Topic(
                "cord_clamping",
                gettext_lazy("The umbilical cord"),
                gettext_lazy(
                    "For example waiting a few minutes before the cord is clamped, or who would like to "
                    "cut it."
                ),
            ),
            Topic(
                "skin_to_skin",
                gettext_lazy("Skin to skin"),
                gettext_lazy(
                    "Having your baby on your bare chest straight after the birth, and who else could do it "
                    "if you cannot (for example after a caesarean)."
                ),
            ),
            Topic(
                "feeding",
                gettext_lazy("Feeding your baby"),
                gettext_lazy("Breastfeeding, formula or both, and any help you would like with it."),
            ),
            Topic(
                "photos",
                gettext_lazy("Photos and video"),
                gettext_lazy(
                    "Whether you would like photos or video during or after the birth, and who takes them."
                ),
            ),
        ),
    ),
    Group(
        gettext_lazy("Talking with you"),
        (
            Topic(
                "language_or_interpreter",
                gettext_lazy("Language and interpreter"),
                gettext_lazy(
                    "The language you would like to be spoken to in, and whether you need an interpreter."
                ),
            ),
        ),
    ),
    Group(
        gettext_lazy("Anything else"),
        (
            Topic(
                "other_wishes",
                gettext_lazy("Anything else, in your own words"),
                gettext_lazy(
                    "Anything you would like the people caring for you to know: worries, wishes, earlier "
                    "births, your faith or culture."
                ),
            ),
        ),
    ),
)
TOPICS = {topic.name: topic for group in GROUPS for topic in group.topics}
assert set(TOPICS) == {f.name for f in BirthPlan.content_fields()}, "every birth plan field needs a topic"


class Answer(forms.CharField):
    """Free text; Windows line ends count as one character, as they are stored."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n") if isinstance(value, str) else value


class BirthPlanForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, topic in TOPICS.items():
            max_length = BirthPlan._meta.get_field(name).max_length
            field = Answer(
                label=topic.label,
                help_text=_("%(hint)s Up to %(max_length)d characters.")
                % {"hint": topic.hint, "max_length": max_length},
                required=False,
                empty_value=None,
                max_length=max_length,
                widget=forms.Textarea(attrs={"rows": 6 if name == "other_wishes" else 3}),
                error_messages={
                    "max_length": _(
                        "This is too long: it has %(show_value)d characters and can have at most "
                        "%(limit_value)d. Please shorten it."
                    )
                },
            )
            field.widget.attrs.pop("maxlength", None)
            self.fields[name] = field

    def groups(self):
        """[(heading, [bound fields])] in page order."""
        return [(group.heading, [self[topic.name] for topic in group.topics]) for group in GROUPS]


def carried(values: dict) -> dict[str, str]:
    """Her answers as the browser would post them (for carrying them through a conflict page)."""
    return {name: values.get(name) or "" for name in TOPICS}
