#!/usr/bin/env python3
"""Writes a deterministic JSONL corpus of realistic captions for benchmarks.

Six languages, about 30% of posts with a URL and about 15% commercial (an
affiliate link, a discount code, a gift, a hosted stay, a partnership or a
giveaway), some disclosed and some not. The same seed and size always give the
same bytes.

Usage: generate-corpus.py --megabytes 100 [--seed 7] > corpus.jsonl
"""
import argparse
import json
import random
import sys

OPENERS = {
    "en": ["Sunday reset", "Morning routine", "Weekend in the hills", "My honest review", "Pack with me",
           "Five things I loved this month", "Slow living diaries", "Kitchen update", "Trail day"],
    "es": ["Mi rutina de mañana", "Fin de semana en la sierra", "Lo que más he usado este mes", "Reseña sincera",
           "Domingo tranquilo", "Receta fácil", "Escapada a la costa"],
    "it": ["La mia routine del mattino", "Weekend in collina", "I preferiti del mese", "Recensione sincera",
           "Domenica lenta", "Ricetta veloce", "Gita al lago"],
    "fr": ["Ma routine du matin", "Week-end à la campagne", "Mes favoris du mois", "Avis honnête",
           "Dimanche tranquille", "Recette rapide"],
    "de": ["Meine Morgenroutine", "Wochenende in den Bergen", "Meine Favoriten des Monats", "Ehrliche Meinung",
           "Entspannter Sonntag", "Schnelles Rezept"],
    "pt": ["A minha rotina da manhã", "Fim de semana no campo", "Os favoritos do mês", "Opinião sincera",
           "Domingo tranquilo", "Receita rápida"],
}
BODIES = {
    "en": ["Coffee, clean sheets and a long walk with the dog before the rain came in.",
           "I have been testing this for three weeks and my skin has never been calmer.",
           "We finally finished the shelves and the whole room feels twice as big.",
           "Twelve kilometres, two coffee stops and one very muddy pair of boots.",
           "Honestly the best thing I did this year was learning to say no to plans."],
    "es": ["Café, sábanas limpias y un paseo largo antes de que empezara a llover.",
           "Llevo tres semanas probándolo y mi piel está mucho más tranquila.",
           "Por fin terminamos las estanterías y el salón parece el doble de grande.",
           "Doce kilómetros, dos paradas para café y unas botas llenas de barro."],
    "it": ["Caffè, lenzuola pulite e una lunga passeggiata prima che arrivasse la pioggia.",
           "Lo sto provando da tre settimane e la mia pelle non è mai stata così calma.",
           "Finalmente abbiamo finito le mensole e la stanza sembra il doppio.",
           "Dodici chilometri, due pause caffè e un paio di scarponi pieni di fango."],
    "fr": ["Café, draps propres et une longue balade avant la pluie.",
           "Je le teste depuis trois semaines et ma peau n'a jamais été aussi calme.",
           "On a enfin fini les étagères et la pièce paraît deux fois plus grande."],
    "de": ["Kaffee, frische Bettwäsche und ein langer Spaziergang vor dem Regen.",
           "Ich teste es seit drei Wochen und meine Haut war noch nie so ruhig.",
           "Endlich sind die Regale fertig und der Raum wirkt doppelt so groß."],
    "pt": ["Café, lençóis lavados e uma longa caminhada antes da chuva.",
           "Estou a testar há três semanas e a minha pele nunca esteve tão calma.",
           "Finalmente acabámos as prateleiras e a sala parece o dobro."],
}
HASHTAGS = ["#sundayreset", "#skincare", "#homedecor", "#travel", "#hiking", "#foodie", "#slowliving",
            "#ootd", "#booklover", "#weekendvibes", "#viaggi", "#cocina", "#reise", "#maison", "#receitas"]
PLAIN_URLS = ["https://www.nationaltrust.org.uk/visit/cotswolds", "https://en.wikipedia.org/wiki/Langhe",
              "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "https://open.spotify.com/playlist/37i9dQZF1DX4sWSpwq3LiO",
              "https://myblog.example.com/2026/10/autumn-reset", "https://www.amazon.com/dp/B00TTD9BRC?ref=sr_1_1"]
AFFILIATE_URLS = ["https://amzn.to/3xKq9Lm", "https://www.amazon.com/dp/B00TTD9BRC?tag=maya-20",
                  "https://www.amazon.es/dp/B09B8V1LZ3?tag=lucia0c-21", "https://liketk.it/4aBcD",
                  "https://go.shopmy.us/p-1234567", "https://www.awin1.com/cread.php?awinmid=6220&awinaffid=12345",
                  "https://www.booking.com/hotel/it/villa-example.html?aid=1234567",
                  "https://meetava.sjv.io/c/2345678/1234567/12345"]
COMMERCIAL = {
    "en": ["Use my code MAYA15 for 15% off", "The team at @glowlabs sent me this to try", "Thank you @villaserena for having us!",
           "Paid partnership with @trailco", "We're hosting a giveaway with @trailco", "Proud to be a @trailco ambassador"],
    "es": ["Con mi código LUCIA15 tenéis un 15%", "@bellezaco me han enviado su nueva paleta",
           "Gracias @hotelsolmar por la invitación", "Colaboración pagada con @solmar"],
    "it": ["Con il codice GIULIA10 avete il 10% di sconto", "Prodotto inviato da @bellezzaitalia",
           "Siamo stati ospiti di @villarosa", "In collaborazione con @pastificiorossi"],
    "fr": ["Avec mon code CLARA10 vous avez 10%", "Merci @maisonlumiere pour l'invitation"],
    "de": ["Mit meinem Code LENA10 spart ihr 10%", "Danke @bergblick für die Einladung"],
    "pt": ["Com o meu código RITA10 têm 10%", "Obrigada @casadomar pelo convite"],
}
LABELS = {"en": "#ad", "es": "Publicidad |", "it": "#pubblicità", "fr": "Publicité |", "de": "Werbung |", "pt": "#publi"}
PLATFORMS = ["instagram", "instagram", "instagram", "tiktok", "youtube", "facebook", "x"]
MARKETS = {"en": ["us", "uk"], "es": ["es"], "it": ["it"], "fr": ["fr"], "de": ["de"], "pt": ["pt", "br"]}


def caption(rng, language):
    parts = [rng.choice(OPENERS[language]) + " " + rng.choice(["✨", "🌿", "☕", "🍂", "🥾", "💛", ""])]
    parts += rng.sample(BODIES[language], k=min(len(BODIES[language]), rng.randint(1, 3)))
    roll = rng.random()
    commercial = roll < 0.15
    if commercial:
        if rng.random() < 0.5:
            parts.append(rng.choice(COMMERCIAL[language]))
        else:
            parts.append(rng.choice(AFFILIATE_URLS))
        if rng.random() < 0.4:
            parts.insert(0, LABELS[language]) if rng.random() < 0.6 else parts.append(LABELS[language])
    if not commercial and roll < 0.30:
        parts.append(rng.choice(PLAIN_URLS))
    text = " ".join(parts)
    if rng.random() < 0.7:
        text += "\n" + " ".join(rng.sample(HASHTAGS, k=rng.randint(2, 6)))
    return text


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=100)
    parser.add_argument("--seed", type=int, default=7)
    arguments = parser.parse_args()
    rng = random.Random(arguments.seed)
    languages = list(OPENERS)
    target = int(arguments.megabytes * 1_000_000)
    written = 0
    index = 0
    out = sys.stdout.buffer
    while written < target:
        index += 1
        language = rng.choice(languages)
        record = {"id": f"p{index:08d}", "platform": rng.choice(PLATFORMS), "text": caption(rng, language)}
        if rng.random() < 0.5:
            record["market"] = rng.choice(MARKETS[language])
        line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
        out.write(line)
        written += len(line)


if __name__ == "__main__":
    main()
