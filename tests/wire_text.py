"""Held-out news text for ``reported.extract_figures``: wire-style paragraphs written for the
tests (not taken from any article, not seen while the extractor's rules were written), each
with the figures a careful reader would transcribe from it.

Each figure is ``(qualifier, stated, stated_high)``: the rule-table row its phrase reads as,
and the number(s) as written (None for vague words). The annotation follows the README's rule
table: "a"/"an" before a unit of time is one ("in a week" is a figure of one week); dates,
years, ages, clock times, ordinals and numbers in names are not figures.
"""

from __future__ import annotations

PARAGRAPHS: list[tuple[str, list[tuple]]] = [
    (
        "At least 12 civilians were killed and 34 wounded on Tuesday when a car bomb exploded "
        "near a market in the northern city, police said. The blast, the third in a week, came "
        "two days after gunmen killed nine soldiers at a checkpoint on Route 7.",
        [("at least", 12), ("exact", 34), ("exact", 1), ("exact", 2), ("exact", 9)],
    ),
    (
        "The United Nations said more than 1,500 people had fled the district since the "
        "fighting began on March 3, bringing the number of displaced this year to about "
        "250,000. Aid agencies estimated that up to 40 per cent of them were children.",
        [("more than", 1500), ("about", 250000), ("up to", 0.4)],
    ),
    (
        "Government forces carried out 86 air strikes in the 24 hours to Sunday morning, the "
        "Syrian Observatory for Human Rights reported, while rebels fired dozens of rockets at "
        "the city. The monitor put the death toll since April at 2,317, including 604 children.",
        [("exact", 86), ("exact", 24), ("dozens", None), ("exact", 2317), ("exact", 604)],
    ),
    (
        "Between 200 and 300 fighters remain inside the besieged town, a military spokesman "
        "told reporters, down from an estimated 2,000 at the start of the siege in 2016. He "
        "said troops were advancing roughly 500 metres a day.",
        [("range", 200, 300), ("about", 2000), ("about", 500)],
    ),
    (
        "Nearly two-thirds of the 1.2 million residents have no access to clean water, "
        "according to the International Committee of the Red Cross. A 34-year-old father said "
        "his family had received food aid only twice in six months.",
        [("nearly", 2 / 3), ("exact", 1.2e6), ("exact", 6)],
    ),
    (
        "Security forces arrested 17 suspects and seized 3 tonnes of explosives in raids "
        "across 5 provinces, the interior ministry said on Friday. Officials said some 40 more "
        "were being sought.",
        [("exact", 17), ("exact", 3), ("exact", 5), ("about", 40)],
    ),
    (
        "Casualty figures could not be independently verified. Hospital sources put the number "
        "of dead at between 45 and 60, while a local official said as many as 80 may have "
        "died. Hundreds were injured, and several thousand people spent the night in the open.",
        [("range", 45, 60), ("up to", 80), ("hundreds", None), ("several", None)],
    ),
    (
        "The coalition said it had conducted 1,130 strikes in October, an average of 36 a day, "
        "and that fewer than 10 civilians had been killed in them. Monitors counted at least 97 "
        "civilian deaths over the same period, roughly a third of them women.",
        [("exact", 1130), ("exact", 36), ("fewer than", 10), ("at least", 97), ("about", 1 / 3)],
    ),
    (
        "More than 70% of the country's health facilities have been damaged or destroyed since "
        "the war began in 2015, the World Health Organization said. It estimated that 19 "
        "million people need aid, up from 16 million last year.",
        [("more than", 0.7), ("exact", 19e6), ("exact", 16e6)],
    ),
    (
        "The militia has between 5,000 and 7,000 members, and controls roughly 1,200 sq km of "
        "territory, analysts say. It lost about 300 fighters and a dozen commanders in the "
        "fighting last month, a spokesman for the group admitted.",
        [("range", 5000, 7000), ("about", 1200), ("about", 300), ("exact", 12)],
    ),
    (
        "Rescue workers pulled 23 bodies from the rubble overnight, raising the toll from "
        "Saturday's blast to 112. Dozens more are believed to be trapped. The 6th Brigade lost "
        "3 tanks and about 15 armoured vehicles.",
        [("exact", 23), ("exact", 112), ("dozens", None), ("exact", 3), ("about", 15)],
    ),
    (
        "Police said about 2,500 protesters gathered in the capital on 14 November, and that 43 "
        "officers were hurt. Organisers put the crowd at tens of thousands. At 10:30 am, "
        "security forces fired tear gas; by noon, over 100 people had been detained.",
        [("about", 2500), ("exact", 43), ("tens", None), ("more than", 100)],
    ),
    (
        "In the first half of the year, the group claimed responsibility for 412 attacks, "
        "almost half of them in the province, the report said. That compares with 276 attacks "
        "in the same period of 2017, a rise of nearly 50 per cent. Each attack killed an "
        "average of 4.3 people.",
        [("exact", 412), ("nearly", 0.5), ("exact", 276), ("nearly", 0.5), ("exact", 4.3)],
    ),
    (
        "A UN report said 3.4 million Syrians have registered as refugees in Turkey and another "
        "650,000 in Jordan. Some 5,000 people cross the border every week, it said.",
        [("exact", 3.4e6), ("exact", 650000), ("about", 5000)],
    ),
    (
        "The ceasefire, agreed on 9 September, has largely held, though the monitoring group "
        "recorded 31 violations in its first 48 hours. Fewer than a dozen people were reported "
        "killed.",
        [("exact", 31), ("exact", 48), ("fewer than", 12)],
    ),
    (
        "Officials said 7 of the 11 hostages had been freed after a standoff lasting three days. "
        "Two policemen and a gunman died, and at least four others were wounded.",
        [("exact", 7), ("exact", 11), ("exact", 3), ("exact", 2), ("at least", 4)],
    ),
]


def wire_text(words: int = 10_000) -> str:
    """The paragraphs repeated, one per line, to at least ``words`` words (for timing)."""
    out, n = [], 0
    while n < words:
        for text, _ in PARAGRAPHS:
            out.append(text)
            n += len(text.split())
    return "\n\n".join(out)
