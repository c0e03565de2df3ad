"""The word lists behind redaction: ordinary words, people's names, and the words that are both.

- Ordinary words: pyspellchecker's English frequency list (160,000 words from subtitles, so it has
  patients' informal words such as "gonna"), plus clinic words below that it lacks.
- Names: the first names and surnames of Faker's person providers for the Latin-script locales
  (census and registry lists for the US, UK, Ireland, Spain, Mexico, France, Germany, Italy, Brazil,
  Poland, Vietnam, India, Nigeria, ...), so accented names such as "José" or "Müller" count too.
- Words that are both (`ORDINARY_NAMES`): names that are also everyday lower-case words ("mark",
  "grace", "young", "doctor"), found as the Faker names that Debian's `wamerican` (SCOWL) lists in
  lower case, then read through by hand to drop ones that are mostly people ("john", "maria",
  "smith"). Only these are kept when capitalised at the start of a sentence.
"""

from __future__ import annotations

import importlib
import re
from functools import cache

# Faker locales whose names are written in Latin letters.
_NAME_LOCALES = (
    "en_US en_GB en_IE en_IN en_NG en_PK en_NZ es_ES es_MX es_CO es_AR fr_FR de_DE it_IT pt_BR pt_PT pl_PL "
    "nl_NL vi_VN tr_TR sv_SE da_DK no_NO fi_FI cs_CZ ro_RO hu_HU hr_HR id_ID sw yo_NG ig_NG ha_NG ga_IE"
).split()
_NAME_PART = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)?")

ORDINARY_NAMES = frozenset(
    """
    will rob pat
    the my an good more little us love said way man ever long lot day may real guy best each hope else house
    read car young job room case die till power small water black story clear fall white line gun lucky marry
    lady lie owe strong company doctor early weeks miles seven kiss deep carry short law king mad date kick
    major ring master key rock street green french fresh among rich smart peace fair field ball glass cross foot
    killer low sad judge floor price grand church summer guard faith wall per north tea moon la cook pop bright
    park jail gay harm bird queen beer flowers mountain mark page storm cousin stone post cases bell powers
    golden wise bridge bill rush hook hunt walls odd prince west van snow lord noble winter bones mile victory
    nail chase joy brown lips hall comfort loyal grant shine angel marks priest sharp rose woods glasses wood
    rice tank bath drew sue brand grace sales diamond junior bail dawn toy wolf horn charity destiny warrior
    merry bond gray banks tore pages burns hill tone jet divine con foster petty penny don crystal mate fields
    bull ties junk gates arts ho branch parent sole waters palm patience raid jack bent blessing billy knight
    pal cherry brick silk hills hunter kidney flood cruise harsh fry buck drum ward hood shields grey lily mall
    stack gross spies elder fox farmer lamb steer fee ray beard lad bean swords savage cannon rivers herd cant
    bass olive marine urban ham booth butcher pace gamble bitten yoga monk es clay bush lone gene lo den freely
    cousins monks server ferry frank sane cord salmon dash pope tan dam convey merchant autumn wage swift melody
    villa hay lane harmony hull bishop ban oak chambers pearl brink ram eve holly camps graves warmer brandy lam
    max pierce bridges wit parks shepherd font coral duke riddle barber ridge roar summers pier pastor butler
    contractor curry canal crane tailor loot tours edit gunning lance sparks karma raven garrison jade wade
    bourgeois sever archer reader rust baron peer paw bud polo ale vial ivory hasty stark wells gala gall frost
    strand ruby mil grunt winters porter roman hearty chi moan aura fanny martin wills dolly peck robin ruddy
    willow ion carpenter poppy walker sandy boner rails moody holder diver mills steward violet carton puck
    spears sire frisk bravo manning berry dries herring amber mare pike safari moss peacock sherry forum colon
    lynch orchard reed baker brands misty mast iris daisy boon hare roach pant rosemary stout phoenix heather
    marina downs dos lucid jasmine grit bonnet saga marsh vigil ante beck sans tor ivy cal bender leech finch
    rogers sari doe bale bates miner mace blot salami valentine eta moles gent pi lore albino beau mans canals
    downing creed bowler august lawless garland fielding trinity gee bilge plaza glen tins mats reeves birch
    gunner corral huff din torrent margarita lira felicity mayoral basil meadows tiara veer hector feline hardy
    sellers pap steed nova soprano mas ford henna supple mesa hicks barman fisher piper kale wilder flora fuller
    fanning gore weaver hazel deacon hoes rut mar imam parsons nary potter rune quill mane hale sol mayo gentry
    meta sine burrows honing morrow combs watts tanner shah aria garner dodo canning ebony looney rout sierra
    mallet burr pall toner sandal leek comer griffin craven chandler lea meg raja nacho chamberlain gibbons
    turner hickey lien mares bigot lacy gill levy loon heath barrio duff canny dickie colleen drake bullock
    phoebe browning carmine collier tine char comas viola savannah pinto ware luster baptist curt mart emir
    magnolia millet sims maxim yogi proctor storey stokes backer hart grimes freeman savant sears amir brooks
    laze corona salvo roe parry abate torrents garret linden bowers heron weir wheeler dirk newton arenas watt
    sawyer bray sander stein roan potters llamas leach berg pol martins courtier wright clement barker hawthorn
    bowman craw rattan palazzo sexton arroyo wren cumming sitters gibbon palomino dickey sunder azalea arias
    blanch amble divan lope brewer wadi cairn florin agate davenport nadir moll plover rafter cotter ester
    marten ravel auger asp lamas dyer madrigal butte thatcher haring barrios martens merino senna colas scullion
    brogan bruin mantilla tilde cocci boles bassi singleton cairns wolfram farina llano sager gorp drub llanos
    eider brunet basso aline glazier bodkin lopes emo ii fem vi tron
    """.split()
)

# Short forms of first names that the name lists lack; the ordinary words among them are in ORDINARY_NAMES too.
NICKNAMES = frozenset(
    "will bill bob jim tom mike rob ben dan sam joe pat chris matt nick tony jen liz kate sue meg".split()
)

# Proper nouns that are not people, and common words of other languages that some name lists contain (the most
# frequent Spanish, French, German, Italian, Portuguese and Dutch words that were taken for names; not "Mia").
NOT_NAMES = frozenset(
    """
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday christmas easter thanksgiving
    english spanish french german italian portuguese polish dutch chinese mandarin cantonese vietnamese korean
    japanese arabic hindi urdu russian ukrainian greek turkish tagalog filipino american british irish canadian
    australian mexican christian jesus god muslim jewish catholic
    de del la las los le les el en et un una une des da do dos das di du der den die von van
    casa este ese esta ing che sur om ina petit con per por para uma auch seco cuesta lassen nek sha
    non pre anti semi multi mid
    bien pero nada ella esa bueno hasta uno hora cabeza camino puerta contra chico durante niño cara mira grande dar
    malo segundo sola vino segura vos aller hein gros ami cas ville und dass mir weiß einer lange gute mach ging allen
    lang anders mio mai alla nel prima vero hanno delle anni volta sai amico dalla devi dai porta bello mie forza mani
    ter quero sem pai dia nas sair estes minhas carro dias ali anda het moet wel uit meer mee keer werd dag grote beste
    elke oude kant groot kent boven
    """.split()
)

# Words patients use that the English list lacks: treatments, conditions, drugs, tests, chat shorthand.
CLINIC_WORDS = frozenset(
    """
    acl mcl pcl acupunture aleve apixaban app apps admin arent bloodwork biofreeze botox bmi cbd cervicogenic
    chiro chiropracter chiros chondromalacia clopidogrel copay covid craniosacral crp cpt ct cyclobenzaprine dabigatran
    diclofenac didnt doesnt dont donts dpt duloxetine dupuytren dupuytrens ehlers danlos eliquis emg ekg ecg
    fasciitis fibro fibromyalgia fsa glucosamine glutes glycinate gp graston havent hijama hiv hmo hsa hypermobile
    im ims inflamation isnt iv ive ivf keto kinesio kyphoplasty labral lol lymphedema meds medicaid meloxicam
    microdiscectomy migrane mri myelopathy myofascial myotherapist naproxen neeedling nhs nsaid nsaids ortho osteo
    osteopenia osteopth ot physiatrist piriformis plavix polymyalgia ppo pradaxa prednisone prolotherapy prp pts pt
    radiculopathy radiofrequency rheumatologist rmt schlatter osgood shouldnt spasming spondylolisthesis stim
    telehealth tendinopathy tendinosis thats theragun theres theyre tmj tramadol trypanophobia voltaren whos wifi
    xarelto xray xrays x-ray tens ibs ms copd adhd ptsd ocd uti dvt ok okay pls plz thx thanx ty tbh idk omg btw
    cant wont wouldnt couldnt didnt wasnt werent hasnt hadnt youre youve ill id hows whats wheres whens
    achilles parkinson parkinsons crohn crohns raynaud raynauds hashimoto hashimotos sjogren sjogrens lyme bell
    morton mortons quervain quervains guillain barre tourette alzheimer alzheimers baker bakers tennis golfer
    medicare aetna cigna humana kaiser bupa anthem tricare
    alexander bowen mckenzie mcgill feldenkrais pilates travell simons
    tel fax mob glute med
    """.split()
)


# How many of the most frequent English words count as common: a name's neighbour rarer than these
# ("Whitfield", "reed") is taken as part of the name.
COMMON_WORD_COUNT = 5000


@cache
def _word_counts() -> dict[str, int]:
    from spellchecker import SpellChecker

    return dict(SpellChecker(language="en", distance=1).word_frequency.dictionary)


@cache
def english_words() -> frozenset[str]:
    """Ordinary English words in lower case (the general list plus the clinic words)."""
    return frozenset(_word_counts()) | CLINIC_WORDS


@cache
def common_words() -> frozenset[str]:
    """The most frequent English words ("is", "checking", "brown"), plus the clinic words."""
    counts = _word_counts()
    return frozenset(sorted(counts, key=counts.__getitem__, reverse=True)[:COMMON_WORD_COUNT]) | CLINIC_WORDS


def _names(attributes: tuple[str, ...]) -> frozenset[str]:
    names: set[str] = set()
    for locale in _NAME_LOCALES:
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        for attribute in attributes:
            for full in getattr(provider, attribute, ()):
                names.update(
                    part.lower() for part in re.split(r"[\s-]+", full) if len(part) > 1 and _NAME_PART.fullmatch(part)
                )
    return frozenset(names - NOT_NAMES)


@cache
def first_names() -> frozenset[str]:
    """First names in lower case, from many countries."""
    return _names(("first_names", "first_names_male", "first_names_female")) | NICKNAMES


@cache
def surnames() -> frozenset[str]:
    """Surnames in lower case, from many countries."""
    return _names(("last_names",))
