"""Demo glossary: academic-career and machine-learning terms, written for this project."""

from dataclasses import dataclass


@dataclass(frozen=True)
class TermSeed:
    slug: str
    term: str
    short_definition: str
    abbreviation: str = ""
    alternative_names: str = ""
    body: tuple[str, ...] = ()  # paragraphs of rich text
    related: tuple[str, ...] = ()
    disciplines: tuple[str, ...] = ()


# The four terms the machine-learning PhD guide defines come first.
TERMS = [
    TermSeed(
        "phd",
        "Doctor of Philosophy",
        "The most advanced research degree a university confers. A candidate spends several "
        "years on an original project and defends the resulting thesis before examiners.",
        abbreviation="PhD",
        alternative_names="Doctorate, DPhil, Doctoral degree",
        body=(
            "<p>Programmes run for roughly three to seven years depending on the country: "
            "European doctorates are often three or four years of pure research, while North "
            "American ones add coursework and qualifying exams first.</p>",
            "<p>The degree ends with a <b>thesis</b> that must add something new to its field, "
            "examined in an oral defence (a <i>viva</i> in the UK).</p>",
        ),
        related=("dissertation", "viva", "studentship", "doctoral-supervisor"),
    ),
    TermSeed(
        "machine-learning",
        "Machine Learning",
        "A branch of artificial intelligence in which programs improve at a task by fitting "
        "models to examples rather than by following hand-written rules.",
        abbreviation="ML",
        alternative_names="Statistical learning",
        body=(
            "<p>The main families are <b>supervised</b> learning (predicting labels from labelled "
            "examples), <b>unsupervised</b> learning (finding structure in unlabelled data) and "
            "<b>reinforcement</b> learning (learning from rewards).</p>",
        ),
        related=(
            "artificial-intelligence",
            "supervised-learning",
            "unsupervised-learning",
            "reinforcement-learning",
            "deep-learning",
        ),
        disciplines=("machine-learning", "statistics"),
    ),
    TermSeed(
        "neural-networks",
        "Neural Networks",
        "Models built from many simple connected units whose connection weights are adjusted "
        "during training; the design was loosely inspired by neurons in the brain.",
        alternative_names="Artificial neural networks, ANN, Neural nets",
        body=(
            "<p>Each unit computes a weighted sum of its inputs and passes it through a "
            "non-linear function. Stacking layers of units lets a network represent very "
            "complicated functions, learned with <b>gradient descent</b> and backpropagation.</p>",
        ),
        related=("deep-learning", "gradient-descent", "convolutional-neural-network"),
        disciplines=("machine-learning",),
    ),
    TermSeed(
        "deep-learning",
        "Deep Learning",
        "Machine learning with neural networks of many layers, which learn useful features "
        "directly from raw data such as pixels, audio or text.",
        abbreviation="DL",
        body=(
            "<p>Deep learning took off around 2012, when a deep convolutional network won the "
            "ImageNet image-recognition challenge by a wide margin. It now underpins modern "
            "speech recognition, machine translation and large language models.</p>",
        ),
        related=("neural-networks", "machine-learning", "alexnet", "transformer"),
        disciplines=("machine-learning", "artificial-intelligence"),
    ),
    TermSeed(
        "artificial-intelligence",
        "Artificial Intelligence",
        "The field that builds computer systems able to perform tasks we associate with "
        "intelligence, such as reasoning, perception, planning and language.",
        abbreviation="AI",
        body=(
            "<p>The name dates from a 1956 summer workshop at Dartmouth College, usually "
            "counted as the founding event of the field.</p>",
        ),
        related=("machine-learning", "dartmouth-workshop"),
        disciplines=("artificial-intelligence",),
    ),
    TermSeed(
        "supervised-learning",
        "Supervised Learning",
        "Learning a mapping from inputs to outputs from examples where the correct answer is "
        "already known, for instance images tagged with what they show.",
        related=("unsupervised-learning", "overfitting"),
        disciplines=("machine-learning",),
    ),
    TermSeed(
        "unsupervised-learning",
        "Unsupervised Learning",
        "Finding groups, patterns or compact descriptions in data that carries no labels, as "
        "in clustering or dimensionality reduction.",
        alternative_names="Self-organised learning",
        related=("supervised-learning",),
        disciplines=("machine-learning",),
    ),
    TermSeed(
        "reinforcement-learning",
        "Reinforcement Learning",
        "An agent learns which actions to take by trial and error, guided by rewards and "
        "penalties from its environment.",
        abbreviation="RL",
        related=("machine-learning",),
        disciplines=("machine-learning", "robotics"),
    ),
    TermSeed(
        "transformer",
        "Transformer",
        "A neural network architecture built around attention, which lets every part of an "
        "input sequence weigh every other part; the basis of today's language models.",
        alternative_names="Transformer architecture",
        related=("large-language-model", "deep-learning"),
        disciplines=("natural-language-processing", "machine-learning"),
    ),
    TermSeed(
        "large-language-model",
        "Large Language Model",
        "A very large transformer trained on huge amounts of text to predict the next word, "
        "which can then answer questions, write and summarise.",
        abbreviation="LLM",
        alternative_names="Foundation model",
        related=("transformer", "natural-language-processing"),
        disciplines=("natural-language-processing",),
    ),
    TermSeed(
        "generative-adversarial-network",
        "Generative Adversarial Network",
        "Two networks trained against each other: one produces fake samples, the other tries "
        "to tell them from real ones, until the fakes become convincing.",
        abbreviation="GAN",
        related=("deep-learning", "neural-networks"),
        disciplines=("machine-learning", "computer-vision"),
    ),
    TermSeed(
        "convolutional-neural-network",
        "Convolutional Neural Network",
        "A neural network that slides small learned filters across its input, which suits "
        "images and other data laid out on a grid.",
        abbreviation="CNN",
        alternative_names="ConvNet",
        related=("neural-networks", "computer-vision", "alexnet"),
        disciplines=("computer-vision", "machine-learning"),
    ),
    TermSeed(
        "alexnet",
        "AlexNet",
        "The deep convolutional network that won the 2012 ImageNet challenge with a far lower "
        "error rate than earlier methods, starting the deep-learning boom.",
        related=("convolutional-neural-network", "deep-learning"),
        disciplines=("computer-vision",),
    ),
    TermSeed(
        "dartmouth-workshop",
        "Dartmouth Workshop",
        "The 1956 summer research project at Dartmouth College where the term artificial "
        "intelligence was coined and the field took shape.",
        alternative_names="Dartmouth Conference, Dartmouth Summer Research Project",
        related=("artificial-intelligence",),
        disciplines=("artificial-intelligence",),
    ),
    TermSeed(
        "computer-vision",
        "Computer Vision",
        "Methods that let computers extract meaning from images and video, from recognising "
        "objects to reconstructing 3D scenes.",
        abbreviation="CV",
        related=("convolutional-neural-network",),
        disciplines=("computer-vision",),
    ),
    TermSeed(
        "natural-language-processing",
        "Natural Language Processing",
        "Computational methods for analysing, understanding and generating human language, "
        "in text or speech.",
        abbreviation="NLP",
        alternative_names="Computational linguistics",
        related=("large-language-model", "transformer"),
        disciplines=("natural-language-processing",),
    ),
    TermSeed(
        "gradient-descent",
        "Gradient Descent",
        "An optimisation method that repeatedly nudges a model's parameters in the direction "
        "that most reduces its error.",
        alternative_names="Stochastic gradient descent, SGD",
        related=("neural-networks",),
        disciplines=("optimisation", "machine-learning"),
    ),
    TermSeed(
        "overfitting",
        "Overfitting",
        "When a model learns the quirks of its training data so closely that it does worse on "
        "data it has not seen.",
        related=("supervised-learning",),
        disciplines=("machine-learning", "statistics"),
    ),
    TermSeed(
        "dissertation",
        "Dissertation",
        "The long written account of a doctoral project, which must present an original "
        "contribution to knowledge.",
        alternative_names="Thesis, Doctoral thesis",
        related=("phd", "viva"),
    ),
    TermSeed(
        "viva",
        "Viva Voce",
        "The oral examination in which a doctoral candidate answers examiners' questions "
        "about their thesis.",
        abbreviation="Viva",
        alternative_names="Thesis defence, Defense, Oral examination",
        related=("dissertation", "phd"),
    ),
    TermSeed(
        "qualifying-exam",
        "Qualifying Exam",
        "An exam, common in North American doctorates, that checks a student has mastered the "
        "fundamentals before moving on to full-time research.",
        alternative_names="Comprehensive exam, Prelims, Quals",
        related=("phd",),
    ),
    TermSeed(
        "studentship",
        "Studentship",
        "A funded PhD place: the funder pays tuition fees and a living allowance so the student "
        "can research full time.",
        alternative_names="Funded PhD, Doctoral scholarship",
        related=("stipend", "phd"),
    ),
    TermSeed(
        "stipend",
        "Stipend",
        "The regular, often tax-free, living allowance paid to a doctoral student or fellow, as "
        "distinct from a salary.",
        related=("studentship", "fellowship"),
    ),
    TermSeed(
        "doctoral-supervisor",
        "Doctoral Supervisor",
        "The academic who guides a PhD student's research and training, and usually secures the "
        "project's funding.",
        alternative_names="PhD advisor, Advisor, Supervisor",
        related=("phd", "principal-investigator"),
    ),
    TermSeed(
        "principal-investigator",
        "Principal Investigator",
        "The researcher who leads a funded project and is accountable for its work and budget.",
        abbreviation="PI",
        alternative_names="Group leader, Lab head",
        related=("grant", "doctoral-supervisor"),
    ),
    TermSeed(
        "postdoc",
        "Postdoctoral Researcher",
        "A researcher on a fixed-term contract after finishing a PhD, building a track record "
        "before a permanent post.",
        abbreviation="Postdoc",
        alternative_names="Postdoctoral fellow, Research associate",
        related=("phd", "fellowship", "tenure-track"),
    ),
    TermSeed(
        "tenure-track",
        "Tenure Track",
        "A probationary faculty appointment, typically six or seven years, that leads to a "
        "permanent (tenured) post if the holder's record is judged strong enough.",
        alternative_names="Tenure-track position",
        related=("postdoc",),
    ),
    TermSeed(
        "fellowship",
        "Research Fellowship",
        "Funding awarded to a named researcher, rather than to a project, to pursue their own "
        "research for a set period.",
        alternative_names="Fellowship",
        related=("grant", "postdoc", "stipend"),
    ),
    TermSeed(
        "grant",
        "Research Grant",
        "Money awarded by a funding body for a specific research project, usually after a "
        "competitive review of a proposal.",
        alternative_names="Grant, Research funding",
        related=("principal-investigator", "fellowship"),
    ),
    TermSeed(
        "research-assistantship",
        "Research Assistantship",
        "A paid post supporting a research project; for graduate students it often covers "
        "fees in exchange for work on a supervisor's grant.",
        abbreviation="RA",
        alternative_names="RAship",
        related=("teaching-assistantship", "grant"),
    ),
    TermSeed(
        "teaching-assistantship",
        "Teaching Assistantship",
        "A paid role in which a graduate student helps run classes, tutorials or marking.",
        abbreviation="TA",
        alternative_names="Graduate teaching assistant, GTA",
        related=("research-assistantship",),
    ),
    TermSeed(
        "peer-review",
        "Peer Review",
        "Evaluation of a paper or proposal by independent experts in the same field before it "
        "is published or funded.",
        alternative_names="Refereeing",
        related=("conference-proceedings", "preprint"),
    ),
    TermSeed(
        "conference-proceedings",
        "Conference Proceedings",
        "The peer-reviewed papers accepted at a conference; in machine learning, venues such as "
        "NeurIPS, ICML and CVPR count as much as journals.",
        alternative_names="Conference paper",
        related=("peer-review", "preprint"),
        disciplines=("computer-science",),
    ),
    TermSeed(
        "preprint",
        "Preprint",
        "A version of a paper shared publicly, for example on arXiv, before or during peer review.",
        alternative_names="arXiv paper, Working paper",
        related=("peer-review", "open-access"),
    ),
    TermSeed(
        "open-access",
        "Open Access",
        "Publishing research so that anyone can read it free of charge.",
        abbreviation="OA",
        related=("preprint",),
    ),
    TermSeed(
        "h-index",
        "h-index",
        "A citation measure: a researcher has index h when h of their papers have each been "
        "cited at least h times.",
        alternative_names="Hirsch index",
        related=("peer-review",),
    ),
    TermSeed(
        "gpa",
        "Grade Point Average",
        "The average of a student's course grades on a numeric scale, in the US usually out of "
        "4.0.",
        abbreviation="GPA",
        related=("masters-degree",),
    ),
    TermSeed(
        "masters-degree",
        "Master's Degree",
        "A postgraduate degree of one or two years, taught or research-based, often taken "
        "before a PhD.",
        alternative_names="MSc, MRes, MPhil, MS",
        related=("phd", "gpa"),
    ),
]
