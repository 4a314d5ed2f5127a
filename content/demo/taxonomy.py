"""Demo taxonomy: a two-level discipline tree (with research topics for job titles) and roles."""

from dataclasses import dataclass


@dataclass(frozen=True)
class DisciplineSeed:
    slug: str
    name: str
    parent: str | None = None
    description: str = ""
    # Where such a post sits (top level) and what a posting in it is about (leaves).
    department: str = ""
    topics: tuple[str, ...] = ()


@dataclass(frozen=True)
class RoleSeed:
    slug: str
    name: str
    description: str


DISCIPLINES = [
    # --- Computer science
    DisciplineSeed(
        "computer-science",
        "Computer Science",
        description="The theory and practice of computation, software and intelligent systems.",
        department="Department of Computer Science",
    ),
    DisciplineSeed(
        "machine-learning",
        "Machine Learning",
        "computer-science",
        "Algorithms that improve at a task by learning from data.",
        topics=(
            "probabilistic machine learning",
            "reinforcement learning for robotics",
            "generative models for synthetic data",
            "trustworthy and fair machine learning",
            "graph neural networks",
            "efficient training of large models",
            "causal inference and machine learning",
            "federated learning",
            "machine learning for climate science",
        ),
    ),
    DisciplineSeed(
        "artificial-intelligence",
        "Artificial Intelligence",
        "computer-science",
        "Systems that reason, plan and act in ways we would call intelligent.",
        topics=(
            "multi-agent systems",
            "automated planning",
            "knowledge representation and reasoning",
            "AI safety and alignment",
            "neuro-symbolic AI",
            "explainable AI",
        ),
    ),
    DisciplineSeed(
        "computer-vision",
        "Computer Vision",
        "computer-science",
        "Teaching machines to interpret images and video.",
        topics=(
            "3D scene understanding",
            "medical image analysis",
            "video understanding",
            "vision for autonomous vehicles",
            "multimodal vision-language models",
        ),
    ),
    DisciplineSeed(
        "natural-language-processing",
        "Natural Language Processing",
        "computer-science",
        "Computational methods for understanding and generating human language.",
        topics=(
            "large language models",
            "machine translation for low-resource languages",
            "dialogue systems",
            "information extraction from scientific text",
            "speech recognition",
        ),
    ),
    DisciplineSeed(
        "robotics",
        "Robotics",
        "computer-science",
        "Machines that sense and act in the physical world.",
        topics=(
            "robot manipulation",
            "legged locomotion",
            "human-robot interaction",
            "sim-to-real transfer",
            "swarm robotics",
        ),
    ),
    DisciplineSeed(
        "data-science",
        "Data Science",
        "computer-science",
        "Turning data into evidence and decisions.",
        topics=(
            "scalable data analytics",
            "data visualisation",
            "time-series forecasting",
            "privacy-preserving data analysis",
        ),
    ),
    DisciplineSeed(
        "cybersecurity",
        "Cybersecurity",
        "computer-science",
        "Protecting systems, networks and data from attack.",
        topics=(
            "adversarial machine learning",
            "formal verification of security protocols",
            "post-quantum cryptography",
            "network intrusion detection",
        ),
    ),
    # --- Mathematics
    DisciplineSeed(
        "mathematics",
        "Mathematics",
        description="Pure and applied mathematics, statistics and operational research.",
        department="School of Mathematics",
    ),
    DisciplineSeed(
        "statistics",
        "Statistics",
        "mathematics",
        "Collecting, modelling and drawing conclusions from data under uncertainty.",
        topics=(
            "Bayesian computation",
            "high-dimensional statistics",
            "statistical learning theory",
            "spatial statistics",
            "causal inference",
        ),
    ),
    DisciplineSeed(
        "applied-mathematics",
        "Applied Mathematics",
        "mathematics",
        "Mathematical models of physical, biological and social systems.",
        topics=(
            "numerical analysis",
            "mathematical biology",
            "fluid dynamics",
            "inverse problems",
        ),
    ),
    DisciplineSeed(
        "optimisation",
        "Optimisation",
        "mathematics",
        "Finding the best decision subject to constraints.",
        topics=(
            "convex optimisation",
            "stochastic optimisation for machine learning",
            "combinatorial optimisation",
        ),
    ),
    # --- Engineering
    DisciplineSeed(
        "engineering",
        "Engineering",
        description="Designing and building systems, devices and infrastructure.",
        department="Faculty of Engineering",
    ),
    DisciplineSeed(
        "electrical-engineering",
        "Electrical Engineering",
        "engineering",
        "Electronics, signals, power and communication systems.",
        topics=(
            "signal processing",
            "wireless communication",
            "neuromorphic hardware",
            "power electronics",
            "embedded machine learning",
        ),
    ),
    DisciplineSeed(
        "mechanical-engineering",
        "Mechanical Engineering",
        "engineering",
        "Mechanics, materials, energy and manufacturing.",
        topics=("additive manufacturing", "control systems", "energy storage"),
    ),
    DisciplineSeed(
        "biomedical-engineering",
        "Biomedical Engineering",
        "engineering",
        "Engineering methods applied to medicine and biology.",
        topics=("medical devices", "brain-computer interfaces", "tissue engineering"),
    ),
    # --- Life sciences
    DisciplineSeed(
        "life-sciences",
        "Life Sciences",
        description="The study of living organisms, from molecules to ecosystems.",
        department="School of Biological Sciences",
    ),
    DisciplineSeed(
        "bioinformatics",
        "Bioinformatics",
        "life-sciences",
        "Computational analysis of biological data.",
        topics=(
            "single-cell genomics",
            "protein structure prediction",
            "computational drug discovery",
            "population genetics",
        ),
    ),
    DisciplineSeed(
        "neuroscience",
        "Neuroscience",
        "life-sciences",
        "How nervous systems work, from synapses to behaviour.",
        topics=("computational neuroscience", "neural coding", "brain imaging"),
    ),
    DisciplineSeed(
        "ecology",
        "Ecology",
        "life-sciences",
        "Organisms and their environments.",
        topics=("biodiversity monitoring", "ecosystem modelling", "remote sensing of forests"),
    ),
    # --- Physics
    DisciplineSeed(
        "physics",
        "Physics",
        description="Matter, energy and the fundamental laws of nature.",
        department="Department of Physics",
    ),
    DisciplineSeed(
        "quantum-technologies",
        "Quantum Technologies",
        "physics",
        "Computing, sensing and communication built on quantum effects.",
        topics=("quantum error correction", "quantum machine learning", "quantum sensing"),
    ),
    DisciplineSeed(
        "astrophysics",
        "Astrophysics",
        "physics",
        "The physics of stars, galaxies and the universe.",
        topics=("exoplanet detection", "gravitational-wave astronomy", "cosmological surveys"),
    ),
    DisciplineSeed(
        "condensed-matter-physics",
        "Condensed Matter Physics",
        "physics",
        "The physical properties of solids and liquids.",
        topics=("2D materials", "superconductivity", "machine-learned interatomic potentials"),
    ),
    # --- Chemistry
    DisciplineSeed(
        "chemistry",
        "Chemistry",
        description="The composition, structure and reactions of matter.",
        department="Department of Chemistry",
    ),
    DisciplineSeed(
        "computational-chemistry",
        "Computational Chemistry",
        "chemistry",
        "Simulating molecules and reactions on computers.",
        topics=("molecular dynamics", "catalyst discovery", "battery materials"),
    ),
    # --- Social sciences
    DisciplineSeed(
        "social-sciences",
        "Social Sciences",
        description="Societies, economies and human behaviour.",
        department="Faculty of Social Sciences",
    ),
    DisciplineSeed(
        "economics",
        "Economics",
        "social-sciences",
        "How people and institutions allocate scarce resources.",
        topics=("econometrics", "economics of AI", "labour markets"),
    ),
    DisciplineSeed(
        "psychology",
        "Psychology",
        "social-sciences",
        "Mind and behaviour.",
        topics=("cognitive modelling", "human decision making", "language acquisition"),
    ),
    # --- Health
    DisciplineSeed(
        "medicine-and-health",
        "Medicine and Health",
        description="Clinical and population health research.",
        department="Faculty of Medicine",
    ),
    DisciplineSeed(
        "epidemiology",
        "Epidemiology",
        "medicine-and-health",
        "Patterns and causes of disease in populations.",
        topics=("infectious disease modelling", "health data science", "clinical prediction"),
    ),
]

ROLES = [
    RoleSeed(
        "phd",
        "PhD studentship",
        "A funded place to study for a doctorate, usually three to four years of research.",
    ),
    RoleSeed(
        "postdoc",
        "Postdoc",
        "A fixed-term research post for someone who has recently completed a PhD.",
    ),
    RoleSeed(
        "research-fellow",
        "Research fellow",
        "An independent research post, often with the candidate's own project and funding.",
    ),
    RoleSeed(
        "lecturer",
        "Lecturer / Assistant professor",
        "An entry-level permanent or tenure-track academic post combining teaching and research.",
    ),
    RoleSeed(
        "professor",
        "Professor",
        "A senior academic post leading a research group and teaching programme.",
    ),
    RoleSeed(
        "research-scientist",
        "Research scientist",
        "A research post in an institute or industry lab, usually after a PhD.",
    ),
    RoleSeed(
        "research-engineer",
        "Research engineer",
        "Builds the software, hardware and experiments that research depends on.",
    ),
    RoleSeed(
        "research-assistant",
        "Research assistant",
        "Supports a research project, often before or alongside a postgraduate degree.",
    ),
]
