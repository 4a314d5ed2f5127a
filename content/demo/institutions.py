"""Real universities, research institutes and industry labs the demo jobs are posted by."""

from dataclasses import dataclass

UNIVERSITY = "UNIVERSITY"
INSTITUTE = "RESEARCH_INSTITUTE"
LAB = "INDUSTRY_LAB"


@dataclass(frozen=True)
class InstitutionSeed:
    slug: str
    name: str
    country: str
    city: str
    website_url: str
    kind: str = UNIVERSITY


INSTITUTIONS = [
    # United Kingdom
    InstitutionSeed(
        "university-of-oxford", "University of Oxford", "GB", "Oxford", "https://www.ox.ac.uk/"
    ),
    InstitutionSeed(
        "university-of-cambridge",
        "University of Cambridge",
        "GB",
        "Cambridge",
        "https://www.cam.ac.uk/",
    ),
    InstitutionSeed(
        "imperial-college-london",
        "Imperial College London",
        "GB",
        "London",
        "https://www.imperial.ac.uk/",
    ),
    InstitutionSeed(
        "university-college-london",
        "University College London",
        "GB",
        "London",
        "https://www.ucl.ac.uk/",
    ),
    InstitutionSeed(
        "university-of-edinburgh",
        "University of Edinburgh",
        "GB",
        "Edinburgh",
        "https://www.ed.ac.uk/",
    ),
    InstitutionSeed(
        "university-of-manchester",
        "University of Manchester",
        "GB",
        "Manchester",
        "https://www.manchester.ac.uk/",
    ),
    InstitutionSeed(
        "alan-turing-institute",
        "The Alan Turing Institute",
        "GB",
        "London",
        "https://www.turing.ac.uk/",
        INSTITUTE,
    ),
    InstitutionSeed(
        "google-deepmind", "Google DeepMind", "GB", "London", "https://deepmind.google/", LAB
    ),
    # United States
    InstitutionSeed(
        "stanford-university", "Stanford University", "US", "Stanford", "https://www.stanford.edu/"
    ),
    InstitutionSeed(
        "massachusetts-institute-of-technology",
        "Massachusetts Institute of Technology",
        "US",
        "Cambridge, MA",
        "https://www.mit.edu/",
    ),
    InstitutionSeed(
        "carnegie-mellon-university",
        "Carnegie Mellon University",
        "US",
        "Pittsburgh",
        "https://www.cmu.edu/",
    ),
    InstitutionSeed(
        "university-of-california-berkeley",
        "University of California, Berkeley",
        "US",
        "Berkeley",
        "https://www.berkeley.edu/",
    ),
    InstitutionSeed(
        "princeton-university",
        "Princeton University",
        "US",
        "Princeton",
        "https://www.princeton.edu/",
    ),
    InstitutionSeed(
        "university-of-washington",
        "University of Washington",
        "US",
        "Seattle",
        "https://www.washington.edu/",
    ),
    InstitutionSeed(
        "georgia-institute-of-technology",
        "Georgia Institute of Technology",
        "US",
        "Atlanta",
        "https://www.gatech.edu/",
    ),
    InstitutionSeed(
        "allen-institute-for-ai",
        "Allen Institute for AI",
        "US",
        "Seattle",
        "https://allenai.org/",
        INSTITUTE,
    ),
    InstitutionSeed(
        "microsoft-research",
        "Microsoft Research",
        "US",
        "Redmond",
        "https://www.microsoft.com/en-us/research/",
        LAB,
    ),
    InstitutionSeed(
        "meta-fair", "Meta FAIR", "US", "Menlo Park", "https://ai.meta.com/research/", LAB
    ),
    InstitutionSeed(
        "nvidia-research",
        "NVIDIA Research",
        "US",
        "Santa Clara",
        "https://research.nvidia.com/",
        LAB,
    ),
    # Canada
    InstitutionSeed(
        "university-of-toronto",
        "University of Toronto",
        "CA",
        "Toronto",
        "https://www.utoronto.ca/",
    ),
    InstitutionSeed(
        "mcgill-university", "McGill University", "CA", "Montreal", "https://www.mcgill.ca/"
    ),
    InstitutionSeed(
        "university-of-british-columbia",
        "University of British Columbia",
        "CA",
        "Vancouver",
        "https://www.ubc.ca/",
    ),
    InstitutionSeed(
        "mila-quebec-ai-institute",
        "Mila - Quebec AI Institute",
        "CA",
        "Montreal",
        "https://mila.quebec/",
        INSTITUTE,
    ),
    InstitutionSeed(
        "vector-institute",
        "Vector Institute",
        "CA",
        "Toronto",
        "https://vectorinstitute.ai/",
        INSTITUTE,
    ),
    # Germany
    InstitutionSeed(
        "technical-university-of-munich",
        "Technical University of Munich",
        "DE",
        "Munich",
        "https://www.tum.de/",
    ),
    InstitutionSeed(
        "university-of-tubingen",
        "University of Tübingen",
        "DE",
        "Tübingen",
        "https://uni-tuebingen.de/",
    ),
    InstitutionSeed(
        "max-planck-institute-for-intelligent-systems",
        "Max Planck Institute for Intelligent Systems",
        "DE",
        "Tübingen",
        "https://is.mpg.de/",
        INSTITUTE,
    ),
    InstitutionSeed(
        "dfki",
        "German Research Center for Artificial Intelligence (DFKI)",
        "DE",
        "Kaiserslautern",
        "https://www.dfki.de/",
        INSTITUTE,
    ),
    InstitutionSeed(
        "tu-darmstadt",
        "Technical University of Darmstadt",
        "DE",
        "Darmstadt",
        "https://www.tu-darmstadt.de/",
    ),
    # Switzerland
    InstitutionSeed("eth-zurich", "ETH Zurich", "CH", "Zurich", "https://ethz.ch/"),
    InstitutionSeed("epfl", "EPFL", "CH", "Lausanne", "https://www.epfl.ch/"),
    InstitutionSeed(
        "university-of-zurich", "University of Zurich", "CH", "Zurich", "https://www.uzh.ch/"
    ),
    # France
    InstitutionSeed("inria", "Inria", "FR", "Paris", "https://www.inria.fr/", INSTITUTE),
    InstitutionSeed(
        "sorbonne-university",
        "Sorbonne University",
        "FR",
        "Paris",
        "https://www.sorbonne-universite.fr/",
    ),
    InstitutionSeed(
        "universite-paris-saclay",
        "Université Paris-Saclay",
        "FR",
        "Gif-sur-Yvette",
        "https://www.universite-paris-saclay.fr/",
    ),
    # Netherlands
    InstitutionSeed(
        "university-of-amsterdam",
        "University of Amsterdam",
        "NL",
        "Amsterdam",
        "https://www.uva.nl/",
    ),
    InstitutionSeed(
        "tu-delft", "Delft University of Technology", "NL", "Delft", "https://www.tudelft.nl/"
    ),
    # Nordics
    InstitutionSeed(
        "kth-royal-institute-of-technology",
        "KTH Royal Institute of Technology",
        "SE",
        "Stockholm",
        "https://www.kth.se/",
    ),
    InstitutionSeed(
        "university-of-copenhagen",
        "University of Copenhagen",
        "DK",
        "Copenhagen",
        "https://www.ku.dk/",
    ),
    InstitutionSeed("aalto-university", "Aalto University", "FI", "Espoo", "https://www.aalto.fi/"),
    # Ireland
    InstitutionSeed(
        "trinity-college-dublin", "Trinity College Dublin", "IE", "Dublin", "https://www.tcd.ie/"
    ),
    # Asia-Pacific
    InstitutionSeed(
        "national-university-of-singapore",
        "National University of Singapore",
        "SG",
        "Singapore",
        "https://nus.edu.sg/",
    ),
    InstitutionSeed(
        "nanyang-technological-university",
        "Nanyang Technological University",
        "SG",
        "Singapore",
        "https://www.ntu.edu.sg/",
    ),
    InstitutionSeed(
        "university-of-tokyo", "University of Tokyo", "JP", "Tokyo", "https://www.u-tokyo.ac.jp/"
    ),
    InstitutionSeed(
        "riken-aip",
        "RIKEN Center for Advanced Intelligence Project",
        "JP",
        "Tokyo",
        "https://aip.riken.jp/",
        INSTITUTE,
    ),
    InstitutionSeed(
        "tsinghua-university",
        "Tsinghua University",
        "CN",
        "Beijing",
        "https://www.tsinghua.edu.cn/",
    ),
    InstitutionSeed(
        "peking-university", "Peking University", "CN", "Beijing", "https://www.pku.edu.cn/"
    ),
    InstitutionSeed("kaist", "KAIST", "KR", "Daejeon", "https://www.kaist.ac.kr/"),
    InstitutionSeed(
        "university-of-melbourne",
        "University of Melbourne",
        "AU",
        "Melbourne",
        "https://www.unimelb.edu.au/",
    ),
    InstitutionSeed(
        "australian-national-university",
        "Australian National University",
        "AU",
        "Canberra",
        "https://www.anu.edu.au/",
    ),
    InstitutionSeed(
        "csiro-data61",
        "CSIRO's Data61",
        "AU",
        "Sydney",
        "https://www.csiro.au/en/about/people/business-units/data61",
        INSTITUTE,
    ),
    # Israel
    InstitutionSeed(
        "weizmann-institute-of-science",
        "Weizmann Institute of Science",
        "IL",
        "Rehovot",
        "https://www.weizmann.ac.il/",
        INSTITUTE,
    ),
]
