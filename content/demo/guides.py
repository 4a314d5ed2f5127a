"""Demo career guides. The first rebuilds the seed page "PhD Jobs in Machine Learning" block by
block (its sections, terms, figures and calls to action) in our own words.

Bodies are StreamField data in which glossary terms, roles and disciplines are named by slug;
the seeding code swaps the slugs for primary keys.
"""

from dataclasses import dataclass

SEED_SOURCE = "AcademicJobs.com, “PhD Jobs in Machine Learning”"


@dataclass(frozen=True)
class GuideSeed:
    slug: str
    title: str
    subtitle: str
    summary: str
    role: str | None
    discipline: str | None
    body: list[tuple[str, dict | str]]
    related: tuple[str, ...] = ()


def heading(text, icon="", anchor="", level="h2"):
    return ("heading", {"text": text, "level": level, "icon": icon, "anchor": anchor})


def subheading(text, anchor=""):
    return heading(text, anchor=anchor, level="h3")


def paragraph(html):
    return ("paragraph", html)


def bullets(*items, heading=""):
    """Items are plain rich text, or (label, rich text) pairs for a bold lead-in."""
    values = [
        {"label": item[0], "text": item[1]}
        if isinstance(item, tuple)
        else {"label": "", "text": item}
        for item in items
    ]
    return ("bullet_list", {"heading": heading, "items": values})


def definitions(heading, *term_slugs):
    return ("definition_list", {"heading": heading, "terms": list(term_slugs)})


def statistic(value, label, source="", source_url=""):
    return (
        "statistic",
        {"value": value, "label": label, "source": source, "source_url": source_url},
    )


def job_search(
    heading, intro="", *, role=None, discipline=None, country="", button="Browse openings"
):
    return (
        "job_search",
        {
            "heading": heading,
            "intro": intro,
            "button_label": button,
            "role": role,
            "discipline": discipline,
            "country": country,
            "remote_only": False,
        },
    )


PHD_ML = GuideSeed(
    slug="phd-jobs-in-machine-learning",
    title="PhD Jobs in Machine Learning",
    subtitle="What the degree involves, who gets in, and where it leads",
    summary=(
        "What a machine learning PhD involves, what admissions panels look for, how the field "
        "grew, and where graduates go next, with live openings to browse."
    ),
    role="phd",
    discipline="machine-learning",
    related=("postdoc-jobs-in-machine-learning", "lecturer-jobs-in-computer-science"),
    body=[
        heading("Understanding Machine Learning PhD Jobs", "🤖", "understanding"),
        paragraph(
            "<p>A doctorate is the top rung of the academic ladder: several years spent on one "
            "research problem, written up as a thesis that has to tell the field something it "
            "did not know. In machine learning, that problem is usually a new way for computers "
            "to pick up patterns from data instead of being told the rules. Demand for people "
            "who can do this has soared as hospitals, banks and self-driving car makers put "
            "learning systems to work. This guide covers what is particular to machine "
            "learning. Looking further ahead? See our guide to "
            '<a linktype="page" id="guide:postdoc-jobs-in-machine-learning">postdoc jobs in '
            "machine learning</a>, or browse "
            '<a href="/jobs/?roles=phd&amp;disciplines=machine-learning">open machine '
            "learning PhD positions</a>.</p>"
        ),
        paragraph(
            "<p>Machine learning sits inside the wider field of "
            '<a linktype="page" id="term:artificial-intelligence">artificial intelligence</a>. '
            'Its methods range from <a linktype="page" id="term:supervised-learning"><b>'
            "supervised</b> learning</a>, where a model is fitted to examples whose answers "
            'are known, to <a linktype="page" id="term:unsupervised-learning"><b>unsupervised'
            "</b> learning</a>, which looks for structure nobody labelled. Doctoral students "
            'invent new models (the <a linktype="page" id="term:transformer">transformer</a> '
            "behind today's chat assistants is one example) and tackle open problems such as "
            "learning from scarce data or removing bias from predictions.</p>"
        ),
        heading("Definitions", "📚", "definitions"),
        definitions("Key terms", "phd", "machine-learning", "neural-networks", "deep-learning"),
        statistic("3–7 years", "Typical length of a PhD, depending on country and programme"),
        heading("Requirements for PhD Jobs in Machine Learning", "📋", "requirements"),
        paragraph(
            "<p>Admission panels want two things: solid grounding in the underlying subjects "
            "and evidence that you can do research.</p>"
        ),
        subheading("Required Academic Qualifications", "qualifications"),
        paragraph(
            "<p>Most entrants hold an undergraduate degree in one of electrical engineering, "
            "computer science, statistics or mathematics. Many programmes favour applicants "
            "who also hold a master's, which can shorten the doctorate. Successful applicants "
            "to competitive programmes tend to have strong grades.</p>"
        ),
        statistic("3.5 / 4.0", "Grade point average typical of admitted applicants"),
        subheading("Research Focus or Expertise Needed", "research-focus"),
        paragraph(
            "<p>Pick supervisors whose work matches yours: for instance "
            '<a linktype="page" id="term:reinforcement-learning">reinforcement learning</a> '
            'applied to robots, or <a linktype="page" id="term:generative-adversarial-network">'
            "generative adversarial networks</a> (GANs) that produce "
            "synthetic training data. A short proposal setting out a fresh research question "
            "often decides the outcome.</p>"
        ),
        subheading("Preferred Experience", "experience"),
        bullets(
            "Papers that passed peer review at a journal or a leading conference such as ICML "
            "or CVPR.",
            "Time as a research assistant, or an internship at an industry lab such as OpenAI.",
            "A small grant or fellowship you won yourself, which shows you can work independently.",
        ),
        subheading("Skills and Competencies", "skills"),
        bullets(
            ("Programming", "Python and R, and libraries such as scikit-learn and Keras."),
            ("Mathematics", "Probability theory, linear algebra and calculus."),
            (
                "Soft skills",
                "Solving problems, writing up science clearly, and working in international "
                "research teams.",
            ),
        ),
        paragraph(
            "<p>The United States (with Stanford and MIT among the leaders) and China publish "
            "the most machine learning research, and their funded places typically pay tuition "
            "plus a living stipend.</p>"
        ),
        heading("History and Evolution", "📈", "history"),
        paragraph(
            "<p>Today's research doctorate took shape in nineteenth-century Germany, where "
            "Wilhelm von Humboldt's university combined teaching with original research. "
            "Artificial intelligence got its name at a workshop at Dartmouth College in 1956, "
            "and doctorates in machine learning followed; the real surge came after AlexNet's "
            "2012 win in image recognition showed what deep networks could do.</p>"
        ),
        statistic("1956", "The Dartmouth workshop gives artificial intelligence its name"),
        statistic("2012", "AlexNet wins the ImageNet challenge and starts the deep-learning boom"),
        statistic("10,000+", "Machine learning PhDs awarded worldwide every year", SEED_SOURCE),
        statistic(
            "80%", "Share of machine learning PhD graduates who move into industry", SEED_SOURCE
        ),
        statistic(
            "~$140,000",
            "Median starting salary for machine learning PhDs in major tech hubs",
            SEED_SOURCE,
        ),
        heading(
            "Career Prospects and Trends in Machine Learning PhD Jobs", "🚀", "career-prospects"
        ),
        paragraph(
            "<p>Graduates become tenure-track faculty, lead research groups, or join companies "
            "such as Meta as principal scientists. Growing areas include ethical AI under new "
            "regulation and multimodal models that handle text and video together; training "
            "robots in simulation is a recent example of how the field keeps crossing into "
            "other disciplines.</p>"
        ),
        bullets(
            ("Show your work", "Keep your code and projects public on GitHub."),
            ("Meet people", "Go to conferences and talk to the groups you want to join."),
            ("Target each application", "Match it to what each programme is strongest in."),
            ("Revise the basics", "Qualifying exams test machine learning fundamentals."),
            heading="Practical advice",
        ),
        heading("Next Steps for Your Machine Learning PhD Journey", "💼", "next-steps"),
        paragraph(
            "<p>Ready to apply? The searches below list open positions right now. Our career "
            "advice pages cover writing a strong CV, and institutions looking for candidates "
            'can <a href="/post-a-job/">post their vacancies with us</a>, free of charge.</p>'
        ),
        job_search(
            "Machine learning PhD studentships",
            "<p>Funded doctoral places in machine learning, newest first.</p>",
            role="phd",
            discipline="machine-learning",
        ),
        job_search(
            "Machine learning PhDs in the United States",
            role="phd",
            discipline="machine-learning",
            country="US",
        ),
        job_search(
            "All computer science openings",
            "<p>Studentships, postdocs and faculty posts across computer science.</p>",
            discipline="computer-science",
            button="Browse university jobs",
        ),
    ],
)

POSTDOC_ML = GuideSeed(
    slug="postdoc-jobs-in-machine-learning",
    title="Postdoc Jobs in Machine Learning",
    subtitle="From doctorate to independent researcher",
    summary=(
        "How machine learning postdocs work, what they pay, and how to use one to move towards "
        "a faculty post or an industry research role."
    ),
    role="postdoc",
    discipline="machine-learning",
    related=("phd-jobs-in-machine-learning", "lecturer-jobs-in-computer-science"),
    body=[
        heading("What a postdoc is for", "🔬", "what"),
        paragraph(
            "<p>A postdoctoral post is a fixed-term research job, usually two or three years, "
            "taken after the PhD. It is where you build the publication record and the "
            "independence that hiring committees look for.</p>"
        ),
        definitions(
            "Terms you will meet", "postdoc", "principal-investigator", "fellowship", "grant"
        ),
        heading("What to look for in a position", "🧭", "choosing"),
        bullets(
            (
                "Group",
                "A principal investigator whose students and postdocs publish and move on well.",
            ),
            ("Freedom", "Time to pursue your own line of research next to the funded project."),
            ("Funding", "How many years are secured, and whether you can apply for grants."),
        ),
        statistic("2–3 years", "Usual length of a first postdoctoral contract"),
        heading("Where next", "🎯", "next"),
        paragraph(
            "<p>Many machine learning postdocs apply for lectureships or assistant "
            "professorships after one contract; others join industry labs as research "
            "scientists.</p>"
        ),
        job_search(
            "Machine learning postdocs",
            role="postdoc",
            discipline="machine-learning",
        ),
        job_search(
            "Research fellowships in artificial intelligence",
            role="research-fellow",
            discipline="artificial-intelligence",
        ),
    ],
)

LECTURER_CS = GuideSeed(
    slug="lecturer-jobs-in-computer-science",
    title="Lecturer Jobs in Computer Science",
    subtitle="Landing a first faculty post",
    summary=(
        "What lecturer and assistant professor posts in computer science involve, how the "
        "hiring process runs, and how to prepare your application."
    ),
    role="lecturer",
    discipline="computer-science",
    related=("postdoc-jobs-in-machine-learning", "phd-jobs-in-machine-learning"),
    body=[
        heading("The job", "🏛️", "the-job"),
        paragraph(
            "<p>A lecturer (in the UK and Commonwealth) or assistant professor (in North "
            "America) teaches courses, supervises students and runs a research programme. In "
            "the US the post is usually on the <b>tenure track</b>.</p>"
        ),
        definitions("Terms you will meet", "tenure-track", "principal-investigator", "h-index"),
        heading("The application", "📝", "application"),
        bullets(
            ("Research statement", "Your agenda for the next five years, and why it matters."),
            ("Teaching statement", "Which courses you can teach and how you teach them."),
            ("Job talk", "A talk for a broad computer science audience, not only specialists."),
        ),
        heading("Open posts", "💼", "open-posts"),
        job_search(
            "Lecturer and assistant professor posts in computer science",
            role="lecturer",
            discipline="computer-science",
        ),
        job_search(
            "Computer science lectureships in the UK",
            role="lecturer",
            discipline="computer-science",
            country="GB",
        ),
    ],
)

GUIDES = [PHD_ML, POSTDOC_ML, LECTURER_CS]
