#!/usr/bin/env python3
"""Generate N deterministic, realistic records for reld benchmarks.

Usage: bench/gen-records.py N OUT.json [--prefix ID_PREFIX] [--seed S]

Records follow docs/record-format.md (the format of examples/mali-russia.json): events and agreements
(~1 in 8 is an agreement), all four date types (instant, interval, window, unknown) at year /
month / day precision, approximate flags, 1-4 parties (country codes and organisations),
1-4 actors of every type and role, locations with and without coordinates, CAMEO / ACLED codes
that pass reld's cross-checks, sources with quotes and citation markers, notes of about
100-300 characters, tags and related ids (symmetric, within the generated set).

The same N, prefix and seed always give byte-identical output (random.Random(seed), no clock).

"""
import argparse
import json
import random
import sys

CATEGORIES = ["diplomatic", "military", "security", "economic", "energy", "mining", "agriculture", "political"]
TAGS = ["background", "bilateral", "visit", "statement", "arms delivery", "training", "sanctions",
        "coup", "transition", "wagner", "africa corps", "gold", "uranium", "wheat", "fertiliser",
        "nuclear", "ecowas", "minusma", "counter-terrorism", "disinformation", "propaganda", "loan",
        "debt relief", "scholarships", "media", "election", "referendum", "border", "refugees",
        "drones", "helicopters", "aircraft", "railway", "solar", "lithium", "oil", "telecoms"]
COUNTRIES = ["ML", "RU", "UA", "FR", "SN", "CM", "BF", "NE", "DZ", "MR", "GN", "CI", "US", "CN",
             "TR", "SU", "BY", "CF", "LY", "SD", "TD", "NG", "GH", "MA", "EG", "DE", "GB", "IR"]
COUNTRY_NAMES = {"ML": "Mali", "RU": "Russia", "UA": "Ukraine", "FR": "France", "SN": "Senegal",
                 "CM": "Cameroon", "BF": "Burkina Faso", "NE": "Niger", "DZ": "Algeria",
                 "MR": "Mauritania", "GN": "Guinea", "CI": "Côte d’Ivoire", "US": "United States",
                 "CN": "China", "TR": "Türkiye", "SU": "Soviet Union", "BY": "Belarus",
                 "CF": "Central African Republic", "LY": "Libya", "SD": "Sudan", "TD": "Chad",
                 "NG": "Nigeria", "GH": "Ghana", "MA": "Morocco", "EG": "Egypt", "DE": "Germany",
                 "GB": "United Kingdom", "IR": "Iran"}
ORGS = [("ECOWAS", "igo", None), ("Wagner Group", "private_military_company", "RU"),
        ("Africa Corps", "military", "RU"), ("CSP-DPA", "armed_group", "ML"),
        ("ROSATOM", "company", "RU"), ("JNIM", "armed_group", None), ("MINUSMA", "igo", None),
        ("African Union", "igo", None), ("Alliance of Sahel States", "igo", None),
        ("Nordgold", "company", "RU"), ("Sputnik Afrique", "company", "RU"),
        ("Yerewolo Debout sur les Remparts", "political_movement", "ML")]
PEOPLE = [("Assimi Goïta", "ML"), ("Vladimir Putin", "RU"), ("Sergei Lavrov", "RU"),
          ("Abdoulaye Diop", "ML"), ("Sadio Camara", "ML"), ("Choguel Kokalla Maïga", "ML"),
          ("Modibo Keïta", "ML"), ("Yevgeny Prigozhin", "RU"), ("Emmanuel Macron", "FR"),
          ("Ibrahim Traoré", "BF"), ("Abdourahamane Tiani", "NE"), ("Adama Ben Diarra", "ML")]
ACTOR_TYPES = ["state", "government", "military", "armed_group", "private_military_company", "igo",
               "company", "political_movement", "person", "other"]
ROLES = ["source", "target", "participant", "associated", "mentioned"]
PLACES = [("Bamako", "ML", "Bamako", 12.6392, -8.0029), ("Moscow", "RU", "Moscow", 55.7558, 37.6173),
          ("St. Petersburg", "RU", "Saint Petersburg", 59.9311, 30.3609),
          ("Tin Zaouatine", "ML", "Kidal", 19.9567, 2.9692), ("Kidal", "ML", "Kidal", 18.4411, 1.4078),
          ("Gao", "ML", "Gao", 16.2666, -0.0400), ("Timbuktu", "ML", "Tombouctou", 16.7666, -3.0026),
          ("Mopti", "ML", "Mopti", 14.4843, -4.1827), ("Sochi", "RU", "Krasnodar Krai", 43.5855, 39.7231),
          ("Ouagadougou", "BF", "Centre", 12.3714, -1.5197), ("Niamey", "NE", "Niamey", 13.5116, 2.1254),
          ("Moura", "ML", "Mopti", 14.0130, -4.3260), ("Ségou", "ML", "Ségou", 13.4317, -6.2157)]
# (cameo code, acled type, acled sub type) that pass reld's cross-checks.
CODES = [(None, None, None), ("042", None, None), ("043", None, None), ("036", None, None),
         ("057", "Strategic developments", "Agreement"), ("061", None, None), ("071", None, None),
         ("0312", None, None), ("112", None, None), ("138", None, None), ("173", "Strategic developments", "Arrests"),
         ("190", "Battles", "Armed clash"), ("195", "Explosions/Remote violence", "Air/drone strike"),
         ("180", "Violence against civilians", "Attack"), ("141", "Protests", "Peaceful protest"),
         ("145", "Riots", "Violent demonstration"), ("0874", "Strategic developments", "Other")]
VERBS = ["visits", "meets", "signs deal with", "receives delivery from", "condemns", "accuses",
         "hosts delegation from", "announces cooperation with", "expels envoy of", "trains troops of",
         "supplies grain to", "opens embassy in", "cancels agreement with", "praises"]
OBJECTS = ["helicopters", "wheat", "fertiliser", "fuel", "a nuclear plant", "gold refinery",
           "lithium mine", "military instructors", "scholarships", "a media centre", "railway works",
           "solar plant", "drones", "debt relief"]
WORDS = ("the article says that according to officials who spoke on condition a delegation "
         "from reportedly signed several memoranda covering training supply and maintenance of "
         "equipment while critics described the move as a step away from former partners and "
         "the date is inferred from the section heading rather than stated outside the article "
         "a commonly reported figure is given but not used to fill any field here").split()
STATUSES = ["proposed", "signed", "in_force", "suspended", "terminated", "unknown"]
AGR_TYPES = ["treaty", "agreement", "mou", "protocol", "exchange_of_notes", "contract", "alliance",
             "political_understanding", "unspecified"]
OBLIGATIONS = ["defense", "neutrality", "nonaggression", "entente"]


def partial(rng, year, precision):
    if precision == "year":
        return f"{year:04d}"
    month = rng.randint(1, 12)
    if precision == "month":
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{rng.randint(1, 28):02d}"


def gen_date(rng):
    t = rng.choices(["instant", "interval", "window", "unknown"], [35, 25, 20, 20])[0]
    if t == "unknown":
        return {"type": "unknown", "start": None, "end": None, "precision": "unknown", "approximate": False}
    p = rng.choices(["year", "month", "day"], [25, 35, 40])[0]
    y = rng.randint(1958, 2025)
    start = partial(rng, y, p)
    end = None
    if t != "instant" and rng.random() < 0.8:
        # End at a later year so it is never before start, whatever the precisions.
        end = partial(rng, min(y + rng.randint(1, 6), 2026), p)
    return {"type": t, "start": start, "end": end, "precision": p, "approximate": rng.random() < 0.3}


def sentence(rng, lo, hi):
    target = rng.randint(lo, hi)
    out = []
    while len(" ".join(out)) < target:
        out.append(rng.choice(WORDS))
    s = " ".join(out)[:target].rstrip()
    return s[0].upper() + s[1:] + "."


def gen_record(rng, i, n, prefix):
    agreement = i % 8 == 7
    kind = "agreement" if agreement else "event"
    rid = f"{prefix}-{'a' if agreement else 'e'}{i:07d}"
    category = rng.choice(CATEGORIES)
    tags = [t for t in rng.sample(TAGS, rng.randint(0, 4)) if t != category]
    countries = rng.sample(COUNTRIES, rng.randint(1, 3))
    parties = list(countries)
    orgs = rng.sample(ORGS, rng.choice([0, 0, 0, 1, 1, 2]))
    parties += [o[0] for o in orgs]
    actors = []
    for c in countries:
        actors.append({"name": COUNTRY_NAMES[c], "type": rng.choice(["state", "government", "military"]),
                       "role": rng.choice(ROLES), "country": c})
    for name, typ, c in orgs:
        actors.append({"name": name, "type": typ, "role": rng.choice(ROLES), "country": c})
    if rng.random() < 0.35:
        name, c = rng.choice(PEOPLE)
        actors.append({"name": name, "type": "person", "role": rng.choice(ROLES), "country": c})
    if rng.random() < 0.1:
        actors.append({"name": "Russian companies (unnamed)", "type": rng.choice(ACTOR_TYPES),
                       "role": "mentioned", "country": None})
    r = rng.random()
    if r < 0.35:
        location = None
    else:
        name, c, admin1, lat, lon = rng.choice(PLACES)
        if r < 0.6:
            location = {"name": name, "country": c, "admin1": admin1, "latitude": round(lat + rng.uniform(-0.05, 0.05), 4),
                        "longitude": round(lon + rng.uniform(-0.05, 0.05), 4), "geo_precision": rng.randint(1, 3)}
        else:
            location = {"name": COUNTRY_NAMES.get(c, name), "country": c, "admin1": None,
                        "latitude": None, "longitude": None, "geo_precision": None}
    code, acled, sub = rng.choice(CODES)
    if agreement:
        code, acled, sub = rng.choice([("057", None, None), ("030", None, None), (None, None, None)])
    root = code[:2] if code else None
    if root:
        n_root = int(root)
        quad = 1 if n_root <= 5 else 2 if n_root <= 8 else 3 if n_root <= 13 else 4
    else:
        quad = None
    a, b = countries[0], countries[-1]
    title = f"{COUNTRY_NAMES[a]} {rng.choice(VERBS)} {COUNTRY_NAMES[b] if b != a else 'partners'}"
    if rng.random() < 0.5:
        title += f" over {rng.choice(OBJECTS)}"
    quote = sentence(rng, 40, 160)
    if rng.random() < 0.2:
        quote = quote[:-1] + " Russia’s “partner” – as the article puts it."
    # Symmetric related ids inside the generated set: pair i with i^1 (both exist when n is even).
    related = []
    j = i ^ 1
    if i % 5 < 2 and j < n:
        related.append(f"{prefix}-{'a' if j % 8 == 7 else 'e'}{j:07d}")
    rec = {
        "id": rid, "kind": kind, "title": title[:79], "category": category, "tags": tags,
        "date": gen_date(rng), "parties": parties, "actors": actors, "location": location,
        "claim_status": rng.choices(["reported", "alleged", "disputed"], [70, 20, 10])[0],
        "codes": {"cameo_event_code": code, "cameo_root": root, "quad_class": quad,
                  "acled_event_type": acled, "acled_sub_event_type": sub},
        "source": {"title": "RUSSO-MALIAN COOPERATION: WITHOUT LIMITS!!", "genre": "opinion",
                   "part": rng.choices(["body", "caption", "heading"], [85, 5, 10])[0],
                   "citation_markers": [f"[{k}]" for k in sorted(rng.sample(range(1, 40), rng.randint(0, 2)))],
                   "quote": quote},
        "notes": sentence(rng, 100, 300),
        "related_ids": related,
    }
    if agreement:
        atype = rng.choice(AGR_TYPES)
        signed = partial(rng, rng.randint(1960, 2020), rng.choice(["year", "month", "day"])) if rng.random() < 0.5 else None
        force = None
        if signed and rng.random() < 0.5:
            force = f"{int(signed[:4]) + rng.randint(1, 3):04d}"
        rec.update({
            "status": rng.choice(STATUSES), "agreement_type": atype,
            "lateral": "bilateral" if len(countries) <= 2 else "multilateral",
            "subject_areas": sorted(set([category] + rng.sample(CATEGORIES, rng.randint(0, 2)))),
            "date_signed": signed, "date_entry_into_force": force,
            "place_of_conclusion": rng.choice([None, None, "Moscow", "Bamako", "Sochi"]),
            "registration": None,
            "alliance_obligations": rng.sample(OBLIGATIONS, rng.randint(1, 2)) if atype == "alliance" else None,
        })
    else:
        rec["fatalities"] = rng.choice([None] * 8 + [0, 1, 3, 12, 40])
    return rec


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("out")
    ap.add_argument("--prefix", default="bench")
    ap.add_argument("--seed", type=int, default=20240607)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    records = [gen_record(rng, i, args.n, args.prefix) for i in range(args.n)]
    with open(args.out, "w", encoding="utf-8") as f:
        # One record per line, like `relctl export`.
        f.write("[\n")
        f.write(",\n".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in records))
        f.write("\n]\n")
    print(f"{args.n} records -> {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
