#!/usr/bin/python3
"""Generate a synthetic, national-scale corpus of DHR action plans for load benchmarks.

Usage:
    /usr/bin/python3 tests/bench/generate_corpus.py OUTDIR [--plans 1500]
        [--milestones 100000] [--seed 1]

Writes, deterministically for a given (plans, milestones, seed):

    OUTDIR/plan-reminder.yaml      daemon config (SPEC §2): plans: plans/*.yaml,
                                   directory: agencies.yaml, maildir transport var/Maildir,
                                   state var/state.db, timezone Europe/London
    OUTDIR/agencies.yaml           agency directory (SPEC §2), ~300 agencies with ids such as
                                   police-force-12 and addresses at *.example.org
    OUTDIR/plans/<review-id>.yaml  one plan per review (SPEC §3), every one valid

The default run gives 1,500 plans with exactly 100,000 milestones in all (an action that gives
`target:` directly counts as its one implicit milestone) and about 60 MB of YAML. Plans vary
in size (small / medium / large), texts have the lengths of real plans (recommendation
150-600 characters, action 100-700, outcome 100-500, progress 0-1200), and targets use every
wording of SPEC §3.1 at realistic frequencies. Every string is double-quoted with JSON-style
escaping (UTF-8, so ’ £ – “ ” appear as themselves); some long texts are literal (`|`) or
folded (`>`) block scalars; agency lists are usually flow sequences, sometimes block ones.
Dates (`published:`, `done:`) are plain ISO dates, as a person would write them.

Only the Python 3 standard library is used; the output depends on nothing but the arguments
(no hash-order or clock dependence). Totals and the byte count are printed at the end.

The "one file changed" benchmark (reload after an edit) is done by the benchmark itself, not
by this script: it copies the corpus, then rewrites ONE plan file in place -- e.g. appends a
sentence to the `progress:` text of the first action of plans/<first review id>.yaml, or
changes one milestone's `target:` -- and sends SIGHUP / runs `check`, timing the reload. The
plan files are independent, so touching one never invalidates the others.

Generating the default corpus takes a few seconds.
"""

import argparse
import json
import os
import random
import sys
import time

# ---------------------------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------------------------

AREAS = [
    "Sunderland", "Gateshead", "South Tyneside", "North Tyneside", "Newcastle", "Northumberland",
    "Durham", "Darlington", "Hartlepool", "Middlesbrough", "Stockton", "Redcar and Cleveland",
    "Cumberland", "Westmorland", "Lancashire", "Blackpool", "Blackburn", "Preston", "Bolton",
    "Bury", "Manchester", "Oldham", "Rochdale", "Salford", "Stockport", "Tameside", "Trafford",
    "Wigan", "Liverpool", "Knowsley", "Sefton", "St Helens", "Wirral", "Halton", "Warrington",
    "Cheshire East", "Cheshire West", "Leeds", "Bradford", "Calderdale", "Kirklees", "Wakefield",
    "Barnsley", "Doncaster", "Rotherham", "Sheffield", "Hull", "East Riding", "North Lincolnshire",
    "North East Lincolnshire", "York", "North Yorkshire", "Lincolnshire", "Nottingham",
    "Nottinghamshire", "Derby", "Derbyshire", "Leicester", "Leicestershire", "Rutland",
    "Northamptonshire", "Birmingham", "Coventry", "Dudley", "Sandwell", "Solihull", "Walsall",
    "Wolverhampton", "Stoke-on-Trent", "Staffordshire", "Shropshire", "Telford", "Herefordshire",
    "Worcestershire", "Warwickshire", "Norfolk", "Suffolk", "Cambridgeshire", "Peterborough",
    "Essex", "Southend", "Thurrock", "Hertfordshire", "Bedford", "Luton", "Central Bedfordshire",
    "Milton Keynes", "Buckinghamshire", "Oxfordshire", "Reading", "Slough", "West Berkshire",
    "Wokingham", "Bracknell Forest", "Windsor and Maidenhead", "Kent", "Medway", "Surrey",
    "East Sussex", "West Sussex", "Brighton and Hove", "Hampshire", "Southampton", "Portsmouth",
    "Isle of Wight", "Dorset", "Bournemouth", "Wiltshire", "Swindon", "Bristol", "Bath",
    "North Somerset", "South Gloucestershire", "Gloucestershire", "Somerset", "Devon", "Plymouth",
    "Torbay", "Cornwall", "Camden", "Hackney", "Islington", "Lambeth", "Southwark", "Lewisham",
    "Greenwich", "Tower Hamlets", "Newham", "Waltham Forest", "Haringey", "Enfield", "Barnet",
    "Brent", "Ealing", "Hounslow", "Hillingdon", "Harrow", "Croydon", "Bromley", "Bexley",
    "Sutton", "Merton", "Wandsworth", "Kingston", "Richmond", "Cardiff", "Swansea", "Newport",
    "Wrexham", "Gwynedd", "Powys", "Carmarthenshire", "Pembrokeshire", "Bridgend", "Caerphilly",
]

PSEUDONYMS = [
    "David", "Anna", "Mary", "Sarah", "Joan", "Adult A", "Adult B", "Ms X", "Mr Y", "Tracy",
    "Lisa", "Karen", "Helen", "Amira", "Priya", "Grace", "Ruth", "Elsie", "Margaret", "Chloe",
    "Jade", "Leah", "Zainab", "Fatima", "Olivia", "Sophie", "Emily", "Hannah", "Rebecca",
    "Michael", "Peter", "John", "Ryan", "Daniel", "Tom", "Agnieszka", "Ewa", "Bethan", "Siân",
    "Zoë", "Renée", "Niamh", "Aoife", "Chantelle", "Precious", "Joy", "Samira", "Yasmin", "Irene",
    "Dorothy", "Rose", "Lily", "Ivy", "Frank", "George", "Stephen", "Mark", "Paul", "Kelly",
    "Jo", "Sam", "Alex", "Charlie", "Jamie", "Robin", "Kim", "Lee", "Chris", "Pat", "Adult C",
    "Adult D", "Mrs Z", "Nadia", "Shabana", "Gurpreet", "Harjit", "Mei", "Lan", "Esther",
]

AGENCY_KINDS = [
    # id prefix, count, name pattern, lead weight
    ("police-force", 43, "{area} Police", 14),
    ("council", 55, "{area} Council", 16),
    ("icb", 42, "NHS {area} Integrated Care Board", 8),
    ("nhs-trust", 40, "{area} Hospitals NHS Foundation Trust", 7),
    ("mental-health-trust", 20, "{area} Mental Health NHS Trust", 5),
    ("probation-pdu", 30, "Probation Service – {area} Delivery Unit", 5),
    ("womens-aid", 25, "{area} Women’s Aid", 8),
    ("idva-service", 12, "{area} IDVA Service", 4),
    ("childrens-services", 10, "{area} Children’s Services", 6),
    ("housing-association", 8, "{area} Homes", 3),
    ("substance-misuse-service", 6, "{area} Recovery Partnership", 3),
    ("opcc", 5, "Office of the Police and Crime Commissioner for {area}", 3),
    ("ambulance-service", 4, "{area} Ambulance Service", 1),
]

ROLE_MAILBOXES = ["dhr-lead", "safeguarding", "da-lead", "public-protection", "csp"]

RECIPIENTS = [
    "survivors", "victims", "children and young people", "older victims", "male victims",
    "families", "survivors and their children", "victims with multiple and complex needs",
    "adult family members", "carers", "people from Black and minoritised communities",
    "LGBT+ survivors", "disabled victims", "victims who are pregnant",
]

PROFESSIONALS = [
    "frontline practitioners", "GPs", "IDVAs", "health visitors", "midwives", "police officers",
    "call handlers", "social workers", "housing officers", "probation practitioners",
    "substance misuse workers", "mental health practitioners", "safeguarding leads",
    "MARAC representatives", "school designated safeguarding leads", "early help staff",
    "A&E staff", "adult social care staff", "outreach workers", "ambulance crews",
    "pharmacists", "Jobcentre Plus work coaches", "DA champions",
]

CONCEPTS = [
    "coercive and controlling behaviour", "economic abuse", "stalking and harassment",
    "honour-based abuse", "non-fatal strangulation", "adolescent to parent violence",
    "suicide risk following domestic abuse", "the impact of trauma", "multiple disadvantage",
    "dual diagnosis", "separation as a high-risk time", "the eight-stage homicide timeline",
    "intimate partner violence in older age", "child to parent abuse", "sexual violence",
    "tech-enabled abuse", "the use of the criminal justice system as a means of control",
    "victim-blaming language", "system-induced risk", "the needs of children as victims",
]

ARTEFACTS = [
    "the DASH risk identification checklist (RIC)", "the MARAC referral pathway",
    "routine enquiry in health settings", "Domestic Abuse Practitioner Standards (DAPS) training",
    "the multi-agency safeguarding hub (MASH) triage process",
    "the Priority Perpetrator Identification Tool (PPIT)", "MATAC arrangements",
    "the Domestic Violence Disclosure Scheme (Clare’s Law)", "the information sharing agreement",
    "the safeguarding adults policy", "the Think Family approach", "the Safe and Together model",
    "trauma-informed practice guidance", "Operation Encompass notifications",
    "the Respect toolkit", "the IRIS programme", "the DHR learning briefing",
    "case recording standards", "professional curiosity guidance", "the escalation policy",
    "the Domestic Abuse Act 2021 duties", "Section 42 enquiries", "Care Act assessments",
    "Early Help assessments", "the domestic abuse strategy", "the commissioning framework",
    "refuge and outreach provision", "the perpetrator behaviour change programme",
    "healthy relationships education", "the workforce development plan",
    "the multi-agency domestic abuse staff guidance", "the partnership’s website",
    "the DA champions network", "HR policies for employees experiencing domestic abuse",
    "the Change That Lasts approach", "the Space for Action tool", "the thresholds of need document",
    "the MARAC operating protocol", "the complex needs pathway", "the sanctuary scheme",
    "the «Ask for ANI» codeword scheme", "the homelessness prevention pathway",
]

VERBS = [
    "Review", "Update", "Develop", "Implement", "Embed", "Promote", "Deliver", "Commission",
    "Establish", "Audit", "Strengthen", "Evaluate", "Refresh", "Raise awareness of", "Produce",
    "Disseminate", "Pilot", "Extend", "Re-write", "Map", "Monitor the use of", "Consult on",
    "Agree", "Relaunch", "Build on",
]

PURPOSES = [
    "so that frontline practitioners are able to recognise {concept}",
    "to improve the identification of risk where there is {concept}",
    "to ensure that the voices of {recipients} are heard",
    "to support earlier intervention with {recipients}",
    "to hold perpetrators to account and disrupt patterns of abuse",
    "so that children are seen and heard as victims in their own right",
    "to ensure that learning from this review is embedded in practice",
    "so that {professionals} understand the dynamics, patterns, intent and impact of abuse",
    "in order to create safe «Space for Action» for {recipients}",
    "so that responses are needs-led, strengths-based and trauma-informed",
    "to make sure that «do no harm» is at the heart of the response",
    "so that information is shared promptly and proportionately between agencies",
    "to reduce repeat referrals to MARAC",
    "to improve the quality of referrals from {professionals}",
]

GOALS = [
    "achieve more meaningful engagement with {recipients}",
    "increase the space for action of {recipients}",
    "decrease perpetrators’ space for abuse",
    "create safety and feelings of safety",
    "decrease offending",
    "better identify {concept}",
    "understand the dynamics, patterns, intent and impact of abuse",
    "hold perpetrators to account",
    "recognise {concept} as a risk factor",
    "offer supportive challenge to facilitate change",
    "improve the response of {professionals} to {recipients}",
    "ensure that agencies apply professional curiosity",
]

AGENTS = [
    "All partner agencies", "The Community Safety Partnership", "The Council",
    "The Police", "Health partners", "The ICB", "The Domestic Abuse Strategic Board",
    "The Safeguarding Adults Board", "The Safeguarding Children Partnership",
    "The Home Office", "NHS England", "The Probation Service", "Specialist services",
]

ACTION_EXTRAS = [
    "This will include {artefact} and {artefact}.",
    "This will include the impact of {concept} and the need to adopt a «do no harm» approach.",
    "The work will be led by the {kind} with support from the Domestic Abuse Strategic Projects Group.",
    "Training will be offered to {professionals} and {professionals} in the first instance.",
    "Consideration will be given to {concept} and {concept}.",
    "A case file audit will be completed to test the changes.",
    "Findings will be reported to the Domestic Abuse Strategic Board.",
    "Where perpetrators in treatment are still causing significant harm, services will liaise more closely.",
    "Funding of £{money} has been identified for 2020–21 to support this work.",
    "The approach will be tested with {professionals} before it is rolled out across the partnership.",
    "Guidance will set out how to respond to {concept} and how to escalate concerns.",
    "Staff will be reminded of the «think family» principle and of {artefact}.",
    "Learning from other reviews (e.g. in {area}) will be taken into account.",
]

OUTCOME_SENTENCES = [
    "{Recipients} will be more resilient as service responses will be trauma-informed, person-centred and flexible.",
    "A stronger focus on priority perpetrators will help create space for action for {recipients}.",
    "{Professionals} will recognise the context and impact of the pattern of abuse that {recipients} are living with.",
    "All of the needs of {recipients} will be identified and better met through improved joined-up working.",
    "Earlier intervention will reduce the risk of cases becoming seen as «intractable».",
    "Responses to {recipients} will «do no harm» and there will be more open and honest engagement with services.",
    "There will be closer and more joined-up working across domestic abuse, substance misuse and mental health services.",
    "{Professionals} will be confident to ask about {concept} and to act on the answer.",
    "Risk will be identified earlier and shared with the right agencies.",
    "Perpetrators will be held to account and their patterns of abuse disrupted.",
    "Strengths of {recipients} will be identified and recognised within the context of the abuse they are living with.",
    "Fewer {recipients} will experience repeat victimisation.",
]

PROGRESS_SENTENCES = [
    "Research proposal was produced.",
    "Meetings completed by the lead agency with {kind} colleagues.",
    "Training on {artefact} is now embedded into DAPS Level 3 and is being delivered.",
    "Funding from the Council and ICB has allowed caseloads to reduce from 100+ to a maximum of 40 cases (FTE).",
    "Funding of £{money} has been secured for 2021–22.",
    "{Artefact} has been updated and circulated to all partners.",
    "A task and finish group has been set up and has met {n} times.",
    "{n} {professionals} have attended the training to date.",
    "The policy was approved by the board in {month} {year}.",
    "Delayed by the COVID-19 pandemic; work restarted in {month} {year}.",
    "Outcome awaited. If the bid is unsuccessful, consideration will need to be given to next steps.",
    "The audit found that {pct}% of cases reviewed showed evidence of {concept} being considered.",
    "Awaiting sign-off from the {kind}.",
    "This is now part of the council base budget for core DA services (refuge and outreach).",
    "Staff briefings were held across the partnership; a 7-minute briefing is on the partnership’s website.",
    "The provider has committed to provide in-reach support to domestic abuse services.",
    "No update received at the last meeting; the lead has been asked to report back.",
    "Progress has been reported to the Domestic Abuse Strategic Board.",
]

MILESTONE_OBJECTS = [
    "Research scoping document", "Pathway", "Training package", "Guidance", "Policy",
    "Briefing", "Case file audit", "Service specification", "Information sharing agreement",
    "Referral form", "Awareness campaign", "Evaluation report", "Protocol", "Toolkit",
    "Action plan", "Procedure", "Learning event", "Task and finish group", "Business case",
    "Workforce development plan", "Screening tool", "7-minute briefing", "Risk assessment",
    "Commissioning plan", "Terms of reference", "Data dashboard", "E-learning module",
]

MILESTONE_DONE = [
    "produced", "in place", "agreed", "approved by the board", "delivered", "completed",
    "published", "circulated to all partners", "launched", "reviewed and updated",
    "signed off", "embedded in practice", "tested with frontline staff", "commissioned",
    "completed and accredited", "reported to the CSP",
]

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
MONTH_ABBR = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sept", "Oct", "Nov", "Dec"]
MONTH_ABBR3 = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 6: "six", 9: "nine", 12: "twelve"}


def slugify(text):
    out = []
    dash = False
    for ch in text.lower():
        if ch.isascii() and ch.isalnum():
            out.append(ch)
            dash = False
        elif not dash and out:
            out.append("-")
            dash = True
    return "".join(out).strip("-")


def days_in_month(year, month):
    if month == 2:
        return 29 if (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def ordinal(day):
    if 10 <= day % 100 <= 20:
        return f"{day}th"
    return f"{day}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(day % 10, 'th') }"


# ---------------------------------------------------------------------------------------------
# Text generation
# ---------------------------------------------------------------------------------------------

class Texts:
    def __init__(self, rng):
        self.rng = rng

    def fill(self, template, ctx=None):
        out = template
        seen = set()
        # Replace each placeholder occurrence independently, never twice the same word.
        while "{" in out:
            i = out.index("{")
            j = out.index("}", i)
            key = out[i + 1:j]
            w = self.word(key, ctx)
            for _ in range(4):
                if w not in seen:
                    break
                w = self.word(key, ctx)
            seen.add(w)
            out = out[:i] + w + out[j + 1:]
        return out

    def finish(self, text):
        """Pick one quoting style per text: 'x' mostly, sometimes ‘x’, “x” or "x"; curly
        apostrophes sometimes."""
        r = self.rng
        if "«" in text:
            o, c = r.choices((("'", "'"), ("‘", "’"), ("“", "”"), ('"', '"')),
                             weights=(60, 20, 10, 10))[0]
            text = text.replace("«", o).replace("»", c)
        if r.random() < 0.2:
            text = text.replace("'s ", "’s ").replace("s' ", "s’ ")
        return text

    def word(self, key, ctx):
        r = self.rng
        if key == "concept":
            return r.choice(CONCEPTS)
        if key == "recipients":
            return r.choice(RECIPIENTS)
        if key == "Recipients":
            w = r.choice(RECIPIENTS)
            return w[0].upper() + w[1:]
        if key == "professionals":
            return r.choice(PROFESSIONALS)
        if key == "Professionals":
            w = r.choice(PROFESSIONALS)
            return w[0].upper() + w[1:]
        if key == "artefact":
            return r.choice(ARTEFACTS)
        if key == "Artefact":
            w = r.choice(ARTEFACTS)
            return w[0].upper() + w[1:]
        if key == "kind":
            return r.choice(["Council", "Police", "ICB", "Women’s Aid", "OPCC", "Probation Service",
                             "CGL", "Together for Children", "hospital trust"])
        if key == "money":
            return f"{r.randrange(5, 250) * 1000:,}"
        if key == "area":
            return r.choice(AREAS)
        if key == "n":
            return str(r.randrange(2, 140))
        if key == "pct":
            return str(r.randrange(20, 96))
        if key == "month":
            return r.choice(MONTHS)
        if key == "year":
            return str(r.randrange(2019, 2025))
        raise KeyError(key)

    def length(self, lo, hi, a, b):
        return lo + int((hi - lo) * self.rng.betavariate(a, b))

    def grow(self, first, sentences, lo, hi, target):
        """first sentence, then extra sentences until `target`; never beyond `hi`."""
        r = self.rng
        text = first
        order = list(range(len(sentences)))
        r.shuffle(order)
        for k in order:
            if len(text) >= target:
                break
            s = self.fill(sentences[k])
            if s in text or len(text) + 1 + len(s) > hi:
                continue
            if len(text) + 1 + len(s) // 2 > target and len(text) >= lo:
                break  # closer to the target without it
            text = text + " " + s
        if len(text) > hi:  # cut at a word boundary
            text = text[:hi - 1].rsplit(" ", 1)[0].rstrip(",;:") + "."
        while len(text) < lo:  # pad with short clauses
            text = text.rstrip(".") + ", and " + self.fill(r.choice(PURPOSES)) + "."
            if len(text) > hi:
                text = text[:hi - 1].rsplit(" ", 1)[0].rstrip(",;:") + "."
                break
        return text

    def recommendation(self):
        r = self.rng
        target = self.length(150, 600, 1.6, 2.6)
        style = r.random()
        if style < 0.45:
            first = self.fill(f"{r.choice(VERBS)} {{artefact}} when responding to {{concept}} in order to:")
            parts = []
            n = 0
            roman = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii"]
            def joined(items):
                if len(items) >= 2:
                    items = items[:-1] + ["and " + items[-1]]
                return first + " " + "; ".join(items) + "."

            while n < len(roman):
                g = self.fill(r.choice(GOALS))
                if g in " ".join(parts):
                    continue
                candidate = joined(parts + [f"({roman[n]}) {g}"])
                if len(candidate) > 600:
                    break
                parts.append(f"({roman[n]}) {g}")
                n += 1
                if len(candidate) >= target and n >= 2:
                    break
            text = joined(parts)
            if len(text) < 150:
                text = self.grow(text, PURPOSES_SENT, 150, 600, target)
            return text
        if style < 0.75:
            first = self.fill(f"{r.choice(AGENTS)} should {r.choice(VERBS).lower()} {{artefact}} "
                              f"{r.choice(PURPOSES)}.")
        else:
            first = self.fill(f"Support {{professionals}} to develop knowledge and skills to "
                              f"{r.choice(GOALS)} and to {r.choice(GOALS)}.")
        return self.grow(first, PURPOSES_SENT + ACTION_EXTRAS, 150, 600, target)

    def action(self):
        r = self.rng
        target = self.length(100, 700, 1.3, 2.6)
        first = self.fill(f"{r.choice(VERBS)} {{artefact}} {r.choice(PURPOSES)}.")
        return self.grow(first, ACTION_EXTRAS, 100, 700, target)

    def outcome(self):
        target = self.length(100, 500, 1.2, 2.8)
        return self.grow(self.fill(self.rng.choice(OUTCOME_SENTENCES)), OUTCOME_SENTENCES,
                         100, 500, target)

    def progress(self, status):
        """Progress note; returns (text, multiline)."""
        r = self.rng
        if r.random() < 0.14:
            return "", False
        target = self.length(20, 1200, 0.9, 3.2)
        if r.random() < 0.22 and target > 200:
            # Dated updates, one per line, as coordinators paste them from board papers.
            lines = []
            total = 0
            year = r.randrange(2019, 2024)
            month = r.randrange(12)
            while total < target:
                body = self.fill(r.choice(PROGRESS_SENTENCES))
                if r.random() < 0.5:
                    body += " " + self.fill(r.choice(PROGRESS_SENTENCES))
                line = f"{MONTHS[month]} {year}: {body}"
                if total + len(line) + 1 > 1200:
                    break
                lines.append(line)
                total += len(line) + 1
                month += r.randrange(2, 7)
                year += month // 12
                month %= 12
            if len(lines) >= 2:
                return "\n".join(lines), True
        first = self.fill(r.choice(PROGRESS_SENTENCES))
        if status == "complete":
            first = "Completed: " + first
        elif status == "on_hold":
            first = "On hold: " + first
        return self.grow(first, PROGRESS_SENTENCES, 0, 1200, target), False

    def milestone(self):
        r = self.rng
        obj = r.choice(MILESTONE_OBJECTS)
        roll = r.random()
        if roll < 0.5:
            text = f"{obj} {r.choice(MILESTONE_DONE)}"
        elif roll < 0.8:
            text = self.fill(f"{obj} on {{concept}} {r.choice(MILESTONE_DONE)}")
        else:
            text = self.fill(f"{obj} for {{professionals}} {r.choice(MILESTONE_DONE)} and "
                             f"{r.choice(MILESTONE_DONE)}")
        return text, obj


PURPOSES_SENT = [p[0].upper() + p[1:] + "." for p in [
    "this will be reported to the Domestic Abuse Strategic Board {year}",
    "the response must take account of {concept}",
    "agencies should apply professional curiosity when working with {recipients}",
    "learning should be shared with {professionals} through a 7-minute briefing",
    "the partnership should seek assurance that {artefact} is used consistently",
    "national guidance published in December 2016 should be followed",
]]


# ---------------------------------------------------------------------------------------------
# Targets (SPEC §3.1)
# ---------------------------------------------------------------------------------------------

class Targets:
    def __init__(self, rng):
        self.rng = rng
        self.forms = [
            (22, self.month_year), (5, self.abbr_month_year), (7, self.by_month_year),
            (3, self.dotted_abbr), (10, self.dmy_slash), (2, self.dmy_short_slash),
            (4, self.ordinal_day), (2, self.day_month_year), (5, self.iso_day),
            (2, self.iso_month), (3, self.mon_yy), (3, self.year_only), (4, self.quarter),
            (3, self.financial_quarter), (8, self.relative), (4, self.tbc), (1, self.empty),
            (5, self.ongoing), (1, self.na),
        ]
        self.weights = []
        acc = 0
        for w, _ in self.forms:
            acc += w
            self.weights.append(acc)

    def year(self, base):
        y = base + self.rng.choice([0, 0, 1, 1, 1, 2, 2, 3])
        return min(max(y, 2018), 2027)

    def month_end(self, base):
        y = self.year(base)
        m = self.rng.choice([3, 3, 3, 6, 9, 12, 12] + list(range(1, 13)))
        return y, m

    def month_year(self, base):
        y, m = self.month_end(base)
        return f"{MONTHS[m - 1]} {y}"

    def abbr_month_year(self, base):
        y, m = self.month_end(base)
        return f"{MONTH_ABBR[m - 1]} {y}"

    def by_month_year(self, base):
        y, m = self.month_end(base)
        prefix = self.rng.choice(["By", "By", "By", "By end of", "End of", "Before", "by"])
        month = self.rng.choice([MONTHS[m - 1], MONTH_ABBR[m - 1]])
        return f"{prefix} {month} {y}"

    def dotted_abbr(self, base):
        y, m = self.month_end(base)
        if MONTH_ABBR[m - 1] == "May":
            m = 10
        prefix = self.rng.choice(["", "", "By "])
        return f"{prefix}{MONTH_ABBR[m - 1]}. {y}"

    def day(self, base):
        y, m = self.month_end(base)
        last = days_in_month(y, m)
        d = last if self.rng.random() < 0.6 else self.rng.randrange(1, last + 1)
        return y, m, d

    def dmy_slash(self, base):
        y, m, d = self.day(base)
        return f"{d:02d}/{m:02d}/{y}"

    def dmy_short_slash(self, base):
        y, m, d = self.day(base)
        return f"{d}/{m}/{y}"

    def ordinal_day(self, base):
        y, m, d = self.day(base)
        return f"{self.rng.choice(['', '', 'By '])}{ordinal(d)} {MONTHS[m - 1]} {y}"

    def day_month_year(self, base):
        y, m, d = self.day(base)
        return f"{d} {MONTHS[m - 1]} {y}"

    def iso_day(self, base):
        y, m, d = self.day(base)
        return f"{y:04d}-{m:02d}-{d:02d}"

    def iso_month(self, base):
        y, m = self.month_end(base)
        return f"{y:04d}-{m:02d}"

    def mon_yy(self, base):
        y, m = self.month_end(base)
        return f"{MONTH_ABBR3[m - 1]}-{y % 100:02d}"

    def year_only(self, base):
        return str(self.year(base))

    def quarter(self, base):
        return f"{self.rng.choice(['', '', 'By ', 'End of '])}Q{self.rng.randrange(1, 5)} {self.year(base)}"

    def financial_quarter(self, base):
        y = min(self.year(base), 2026)
        return f"Q{self.rng.randrange(1, 5)} {y}/{(y + 1) % 100:02d}"

    def relative(self, base):
        r = self.rng
        form = r.randrange(4)
        if form == 0:
            n = r.choice([1, 1, 2, 3, 6])
            unit = "month" if n == 1 else "months"
            return f"Within {NUMBER_WORDS[n]} {unit} of the review being published"
        if form == 1:
            n = r.choice([3, 6, 6, 9, 12])
            return f"within {NUMBER_WORDS[n]} months of publication"
        if form == 2:
            n = r.choice([1, 3, 6, 6, 12])
            return f"{n} month{'s' if n != 1 else ''} from publication"
        n = r.choice([2, 2, 4, 6, 8])
        return f"{n} weeks after publication"

    def tbc(self, base):
        return self.rng.choice(["TBC", "TBC", "TBC", "TBA", "tbc"])

    def empty(self, base):
        return ""

    def ongoing(self, base):
        return self.rng.choice(["Ongoing", "Ongoing", "Ongoing", "ongoing"])

    def na(self, base):
        return "N/A"

    def pick(self, base):
        x = self.rng.random() * self.weights[-1]
        for i, acc in enumerate(self.weights):
            if x < acc:
                return self.forms[i][1](base)
        return self.forms[-1][1](base)

    def revised(self, base):
        """A revised target: a later, dated wording."""
        r = self.rng
        f = r.choice([self.month_year, self.month_year, self.by_month_year, self.dmy_slash,
                      self.iso_day, self.quarter, self.abbr_month_year])
        return f(min(base + 1, 2026))


# ---------------------------------------------------------------------------------------------
# YAML emission
# ---------------------------------------------------------------------------------------------

def q(s):
    """A YAML double-quoted scalar (JSON escaping is valid YAML for BMP text)."""
    return json.dumps(s, ensure_ascii=False)


def wrap(text, width):
    lines = []
    line = ""
    for w in text.split(" "):
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = w if not line else line + " " + w
    if line:
        lines.append(line)
    return lines


def emit_text(out, indent, key, text, rng, multiline=False):
    """key: value at `indent` spaces; long texts sometimes become block scalars."""
    pad = " " * indent
    if multiline and rng.random() < 0.75:
        out.append(f"{pad}{key}: |\n")
        for line in text.split("\n"):
            out.append(f"{pad}  {line}\n" if line else "\n")
        return
    if (not multiline and len(text) > 250 and "  " not in text and "\n" not in text
            and rng.random() < 0.07):
        style = rng.choice([">", ">-", "|-"])
        out.append(f"{pad}{key}: {style}\n")
        lines = wrap(text, 88 - indent) if style.startswith(">") else [text]
        for line in lines:
            out.append(f"{pad}  {line}\n")
        return
    out.append(f"{pad}{key}: {q(text)}\n")


def emit_ids(out, indent, key, ids, rng):
    pad = " " * indent
    if not ids or rng.random() < 0.8:
        out.append(f"{pad}{key}: [{', '.join(q(i) for i in ids)}]\n")
    else:
        out.append(f"{pad}{key}:\n")
        for i in ids:
            out.append(f"{pad}  - {q(i)}\n")


# ---------------------------------------------------------------------------------------------
# Corpus
# ---------------------------------------------------------------------------------------------

def build_directory(rng):
    agencies = []  # (id, kind, name, to, cc)
    by_kind = {}
    for prefix, count, pattern, weight in AGENCY_KINDS:
        ids = []
        for n in range(1, count + 1):
            aid = f"{prefix}-{n}"
            area = AREAS[(n * 7 + len(prefix)) % len(AREAS)]
            name = pattern.format(area=area)
            host = f"{aid}.example.org"
            to = [f"{rng.choice(ROLE_MAILBOXES)}@{host}"]
            if rng.random() < 0.15:
                to.append(f"dhr-actions@{host}")
            cc = [f"safeguarding-team@{host}"] if rng.random() < 0.2 else None
            agencies.append((aid, prefix, name, to, cc))
            ids.append(aid)
        by_kind[prefix] = ids
    return agencies, by_kind


def write_directory(path, agencies):
    out = [
        "# Agency directory for the synthetic benchmark corpus (tests/bench/generate_corpus.py).\n",
        "# Role mailboxes, not named people.\n",
        "partnership:\n",
        f"  name: {q('National DHR Benchmark Partnership')}\n",
        "  chair:\n",
        f"    name: {q('Chair of the National DHR Benchmark Partnership')}\n",
        f"    to: [{q('chair@partnership.example.org')}]\n",
        "  coordinator:\n",
        f"    name: {q('DHR coordinator')}\n",
        f"    to: [{q('dhr-coordinator@council.example.org')}]\n",
        "  digest:\n",
        f"    to: [{q('partnership-board@partnership.example.org')}]\n",
        "    list: true\n",
        "agencies:\n",
    ]
    for aid, _kind, name, to, cc in agencies:
        out.append(f"  {aid}:\n")
        out.append(f"    name: {q(name)}\n")
        out.append(f"    to: [{', '.join(q(a) for a in to)}]\n")
        if cc is not None:
            out.append(f"    cc: [{', '.join(q(a) for a in cc)}]\n")
    data = "".join(out).encode("utf-8")
    with open(path, "wb") as f:
        f.write(data)
    return len(data)


def write_config(path):
    text = (
        "# Daemon config for the synthetic benchmark corpus (tests/bench/generate_corpus.py).\n"
        "timezone: Europe/London\n"
        "plans: plans/*.yaml\n"
        "directory: agencies.yaml\n"
        "state: var/state.db\n"
        "from: \"National DHR Benchmark Partnership <dhr-actions@partnership.example.org>\"\n"
        "calendar:\n"
        "  holidays: england-and-wales\n"
        "  quarters: calendar\n"
        "transport:\n"
        "  maildir: var/Maildir\n"
    )
    data = text.encode("utf-8")
    with open(path, "wb") as f:
        f.write(data)
    return len(data)


def plan_shapes(rng, plans, milestones):
    """Per plan: a list of recommendations, each a list of actions, each the number of
    explicit milestones (1-4) or 0 for a direct `target:` (one implicit milestone). The total
    (implicit ones included) is made exactly `milestones`."""
    shapes = []
    for _ in range(plans):
        size = rng.random()
        if size < 0.3:
            recs, actions = rng.randint(3, 5), (2, 4)
        elif size < 0.8:
            recs, actions = rng.randint(5, 9), (2, 6)
        else:
            recs, actions = rng.randint(8, 12), (3, 8)
        shapes.append([[None] * rng.randint(*actions) for _ in range(recs)])

    n_actions = sum(len(rec) for plan in shapes for rec in plan)
    mean_per_action = 0.12 * 1 + 0.88 * 2.45  # direct targets, weights below
    want_actions = max(plans, round(milestones / mean_per_action))
    # Scale the number of actions so that the milestone counts need only small adjustments.
    if n_actions != want_actions:
        ratio = want_actions / n_actions
        for plan in shapes:
            for i, rec in enumerate(plan):
                exact = len(rec) * ratio
                n = int(exact) + (1 if rng.random() < exact - int(exact) else 0)
                plan[i] = [None] * max(1, n)

    refs = []
    total = 0
    for p, plan in enumerate(shapes):
        for r_, rec in enumerate(plan):
            for a in range(len(rec)):
                if rng.random() < 0.12:
                    m = 0
                else:
                    m = rng.choices((1, 2, 3, 4), weights=(22, 30, 28, 20))[0]
                rec[a] = m
                total += max(m, 1)
                refs.append((p, r_, a))

    # Fine adjustment: step explicit milestone counts up or down within 1-4.
    diff = milestones - total
    while diff != 0:
        rng.shuffle(refs)
        progress = False
        for p, r_, a in refs:
            if diff == 0:
                break
            m = shapes[p][r_][a]
            if diff > 0 and 1 <= m < 4:
                shapes[p][r_][a] = m + 1
                diff -= 1
                progress = True
            elif diff < 0 and m > 1:
                shapes[p][r_][a] = m - 1
                diff += 1
                progress = True
        if not progress:  # every action at a bound: add or remove whole actions
            if diff > 0:
                p = rng.randrange(len(shapes))
                r_ = rng.randrange(len(shapes[p]))
                add = min(4, diff)
                shapes[p][r_].append(add)
                refs.append((p, r_, len(shapes[p][r_]) - 1))
                diff -= add
            else:
                candidates = [(p2, r2) for p2, plan in enumerate(shapes)
                              for r2, rec2 in enumerate(plan) if len(rec2) > 1]
                if not candidates:
                    sys.exit("cannot reach the requested milestone count with these plans")
                p2, r2 = rng.choice(candidates)
                shapes[p2][r2].pop()
                diff += 1
                refs = [(x, y, z) for (x, y, z) in refs
                        if not (x == p2 and y == r2 and z >= len(shapes[p2][r2]))]
    return shapes


def random_date(rng, y0, y1):
    y = rng.randrange(y0, y1 + 1)
    m = rng.randrange(1, 13)
    d = rng.randrange(1, days_in_month(y, m) + 1)
    return y, m, d


def done_date(rng, published, base_year):
    """A completion date after publication and no later than October 2026."""
    while True:
        y, m, d = random_date(rng, base_year, min(base_year + 2, 2026))
        if y == 2026 and m > 10:
            continue
        if published and (y, m, d) < published:
            continue
        return y, m, d


def write_plan(path, review_id, area, shape, rng, texts, targets, by_kind, totals):
    pseud = rng.choice(PSEUDONYMS)
    quote = rng.choice(["'", "'", "‘"])
    close = "’" if quote == "‘" else "'"
    title_style = rng.random()
    if title_style < 0.6:
        title = f"Domestic Homicide Review: {quote}{pseud}{close}"
    elif title_style < 0.85:
        title = f"DHR {quote}{pseud}{close} – Action Plan"
    else:
        title = f"Domestic Abuse Related Death Review: {quote}{pseud}{close}"
    partnership = rng.choice([f"Safer {area} Partnership", f"{area} Community Safety Partnership",
                              f"{area} Safer Communities Partnership"])

    published = None
    if rng.random() < 0.7:
        published = random_date(rng, 2018, 2024)
    base_year = published[0] if published else rng.randrange(2018, 2025)

    # The area's agencies: one of each kind, fixed by the area, plus a few neighbours.
    ai = AREAS.index(area)
    pool = []
    weights = []
    for prefix, count, _pattern, weight in AGENCY_KINDS:
        ids = by_kind[prefix]
        pool.append(ids[ai % count])
        weights.append(weight)
        if rng.random() < 0.25:
            pool.append(ids[(ai + 1 + rng.randrange(count - 1)) % count])
            weights.append(max(1, weight // 3))

    def pick_agencies(k, exclude=()):
        chosen = []
        while len(chosen) < k:
            a = rng.choices(pool, weights=weights)[0]
            if a not in chosen and a not in exclude:
                chosen.append(a)
        return chosen

    out = [f"# Action plan: {title}\n",
           "# Synthetic benchmark data (tests/bench/generate_corpus.py); not a real review.\n",
           "review:\n",
           f"  id: {q(review_id)}\n",
           f"  title: {q(title)}\n",
           f"  partnership: {q(partnership)}\n"]
    if published:
        out.append("  published: %04d-%02d-%02d\n" % published)
    out.append("recommendations:\n")

    for r_i, rec in enumerate(shape, start=1):
        totals["recommendations"] += 1
        scope = rng.choices(("local", "regional", "national"), weights=(72, 14, 14))[0]
        out.append(f"  - id: {q(str(r_i))}\n")
        out.append(f"    scope: {q(scope)}\n")
        emit_text(out, 4, "text", texts.finish(texts.recommendation()), rng)
        out.append("    actions:\n")
        for a_i, m_count in enumerate(rec, start=1):
            totals["actions"] += 1
            status = rng.choices(("open", "complete", "on_hold"), weights=(70, 22, 8))[0]
            out.append(f"      - id: {q(f'{r_i}.{a_i}')}\n")
            emit_text(out, 8, "text", texts.finish(texts.action()), rng)
            lead = pick_agencies(rng.choices((1, 2, 3), weights=(65, 25, 10))[0])
            emit_ids(out, 8, "lead", lead, rng)
            roll = rng.random()
            if roll < 0.30:
                support = pick_agencies(rng.choices((1, 2, 3), weights=(60, 30, 10))[0], lead)
                emit_ids(out, 8, "support", support, rng)
            elif roll < 0.35:
                out.append("        support: []\n")
            emit_text(out, 8, "outcome", texts.finish(texts.outcome()), rng)
            progress, multiline = texts.progress(status)
            emit_text(out, 8, "progress", texts.finish(progress), rng, multiline)
            out.append(f"        status: {q(status)}\n")
            if m_count == 0:
                totals["direct_targets"] += 1
                totals["milestones"] += 1
                out.append(f"        target: {q(targets.pick(base_year))}\n")
                continue
            out.append("        milestones:\n")
            used = set()
            for _ in range(m_count):
                totals["milestones"] += 1
                text, obj = texts.milestone()
                slug = slugify(obj)
                if slug in used:
                    n = 2
                    while f"{slug}-{n}" in used:
                        n += 1
                    slug = f"{slug}-{n}"
                used.add(slug)
                target = targets.pick(base_year)
                if rng.random() < 0.96:
                    out.append(f"          - id: {q(slug)}\n")
                    out.append(f"            text: {q(text)}\n")
                else:  # no id: the milestone is known by its position
                    out.append(f"          - text: {q(text)}\n")
                out.append(f"            target: {q(target)}\n")
                if rng.random() < 0.08:
                    totals["revised"] += 1
                    out.append(f"            revised_target: {q(targets.revised(base_year))}\n")
                done_p = 0.75 if status == "complete" else 0.12
                if rng.random() < done_p:
                    totals["done"] += 1
                    out.append("            done: %04d-%02d-%02d\n" % done_date(rng, published, base_year))

    data = "".join(out).encode("utf-8")
    with open(path, "wb") as f:
        f.write(data)
    return len(data)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("--plans", type=int, default=1500)
    ap.add_argument("--milestones", type=int, default=100000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    if args.plans < 1 or args.milestones < args.plans:
        ap.error("need at least one plan and at least one milestone per plan")

    started = time.monotonic()
    rng = random.Random(args.seed)
    texts = Texts(rng)
    targets = Targets(rng)

    plans_dir = os.path.join(args.outdir, "plans")
    os.makedirs(plans_dir, exist_ok=True)
    os.makedirs(os.path.join(args.outdir, "var"), exist_ok=True)
    stale = [f for f in os.listdir(plans_dir) if f.endswith(".yaml")]
    if stale:
        sys.exit(f"{plans_dir} already holds {len(stale)} plan files; use an empty OUTDIR")

    agencies, by_kind = build_directory(rng)
    total_bytes = write_config(os.path.join(args.outdir, "plan-reminder.yaml"))
    total_bytes += write_directory(os.path.join(args.outdir, "agencies.yaml"), agencies)

    shapes = plan_shapes(rng, args.plans, args.milestones)
    totals = {"recommendations": 0, "actions": 0, "milestones": 0, "direct_targets": 0,
              "revised": 0, "done": 0}
    per_area = {}
    plan_bytes = 0
    for i, shape in enumerate(shapes):
        area = AREAS[(i * 37 + rng.randrange(3)) % len(AREAS)]
        per_area[area] = per_area.get(area, 0) + 1
        review_id = f"dhr-{slugify(area)}-{per_area[area]}"
        plan_bytes += write_plan(os.path.join(plans_dir, review_id + ".yaml"), review_id, area,
                                 shape, rng, texts, targets, by_kind, totals)
    total_bytes += plan_bytes

    elapsed = time.monotonic() - started
    print(f"plans:           {len(shapes)}")
    print(f"agencies:        {len(agencies)}")
    print(f"recommendations: {totals['recommendations']}")
    print(f"actions:         {totals['actions']}")
    print(f"milestones:      {totals['milestones']} "
          f"({totals['milestones'] - totals['direct_targets']} explicit, "
          f"{totals['direct_targets']} implicit from a direct target:; "
          f"{totals['revised']} revised, {totals['done']} done)")
    print(f"plan bytes:      {plan_bytes}")
    print(f"total bytes:     {total_bytes} ({total_bytes / 1e6:.1f} MB)")
    print(f"time:            {elapsed:.1f} s")


if __name__ == "__main__":
    main()
