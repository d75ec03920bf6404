"""`manage.py evaluate_matching`: score the engine on the hand-labelled evaluation set."""

import json

from django.core.management.base import BaseCommand, CommandError

from matchmaking import evaluation
from matchmaking.evaluation import loader
from matchmaking.evaluation.metrics import build_report

P_KEY = f"precision@{evaluation.PRECISION_K}"
N_KEY = f"ndcg@{evaluation.NDCG_K}"


class Command(BaseCommand):
    help = (
        "Rank offerings for every need of the labelled evaluation set with the matching engine "
        "and print precision@5 and nDCG@10 per root category and overall. Needs no database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print the full report as JSON.")
        parser.add_argument(
            "--per-need",
            action="store_true",
            help="Rank with rank_for_need one need at a time instead of one run_matching batch.",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only load and validate the data set (works without the engine).",
        )
        parser.add_argument("--dataset", help="Another data set file (default: the bundled one).")
        parser.add_argument(
            "--traps",
            type=int,
            default=15,
            help="How many traps ranked above a relevant offer to list (default 15).",
        )

    def handle(self, *args, **options):
        data = loader.load_dataset(options["dataset"])
        problems = loader.validate(data)
        if problems:
            listed = "\n  ".join(problems[:30])
            raise CommandError(f"The data set has {len(problems)} problem(s):\n  {listed}")
        stats = loader.stats(data)
        if options["check"]:
            self._print_check(stats, as_json=options["json"])
            return

        try:
            rankings = loader.engine_rankings(
                data, per_need=options["per_need"], k=evaluation.NDCG_K
            )
        except ImportError as exc:
            raise CommandError(
                f"The matching engine is not available ({exc}); "
                "`evaluate_matching --check` validates the data set alone."
            ) from exc

        tax = loader.taxonomy()
        report = build_report(
            {need: [offer for offer, _score in ranked] for need, ranked in rankings.items()},
            loader.judgements(data),
            {n["id"]: tax.root_of[n["category"]] for n in data["needs"]},
            loader.traps(data),
            precision_k=evaluation.PRECISION_K,
            ndcg_k=evaluation.NDCG_K,
        )
        scores = {
            (need, offer): score for need, ranked in rankings.items() for offer, score in ranked
        }
        for hit in report["trap_hits"]:
            hit["score"] = round(scores[hit["need"], hit["offer"]], 4)
        report["engine"] = "rank_for_need" if options["per_need"] else "run_matching"
        report["dataset"] = stats
        report["floors"] = {P_KEY: evaluation.FLOOR, N_KEY: evaluation.NDCG_FLOOR}
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
            return
        self._print_table(report, data, tax, options["traps"])

    def _print_check(self, stats: dict, *, as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps({"valid": True, **stats}, ensure_ascii=False, indent=2))
            return
        self.stdout.write(self.style.SUCCESS("The evaluation set is valid."))
        self.stdout.write(
            f"{stats['needs']} needs, {stats['offers']} offers, {stats['orgs']} orgs, "
            f"{stats['traps']} traps {stats['traps_by_kind']}, "
            f"{stats['districts']} districts ({'、'.join(stats['district_names'])})"
        )
        self.stdout.write(f"needs per root category: {stats['need_roots']}")
        self.stdout.write(f"offers per root category: {stats['offer_roots']}")

    def _print_table(self, report: dict, data: dict, tax, trap_limit: int) -> None:
        ds = report["dataset"]
        pk, nk = evaluation.PRECISION_K, evaluation.NDCG_K
        self.stdout.write(
            f"Evaluation set: {ds['needs']} needs, {ds['offers']} offers, {ds['orgs']} orgs, "
            f"{ds['traps']} traps. Engine: {report['engine']}, top {nk}."
        )
        headers = (
            "category", "needs", f"P@{pk}", f"max P@{pk}", f"nDCG@{nk}",
            f"traps@{nk}", "trap>rel", "missed",
        )  # fmt: skip
        rows = [
            (f"{code} {tax.names[code]}", *self._cells(summary))
            for code, summary in report["categories"].items()
        ]
        rows.append(("overall", *self._cells(report["overall"])))
        widths = [max(_width(str(row[i])) for row in [headers, *rows]) for i in range(len(headers))]
        self.stdout.write("")
        for index, row in enumerate([headers, *rows]):
            if index == len(rows):  # before the overall line
                self.stdout.write("-" * (sum(widths) + 2 * (len(widths) - 1)))
            cells = [
                _pad(str(cell), width, right=i > 0)
                for i, (cell, width) in enumerate(zip(row, widths, strict=True))
            ]
            self.stdout.write("  ".join(cells).rstrip())
        self.stdout.write(
            f"max P@{pk}: the best reachable with the judged offers; trap>rel: traps ranked above "
            f"a relevant offer; missed: relevant offers not in the top {nk}."
        )

        overall = report["overall"]
        for key, floor in report["floors"].items():
            if floor is None:
                self.stdout.write(f"{key} {overall[key]:.3f}: no floor set")
            elif overall[key] >= floor:
                self.stdout.write(self.style.SUCCESS(f"{key} {overall[key]:.3f} ≥ floor {floor}"))
            else:
                self.stdout.write(self.style.ERROR(f"{key} {overall[key]:.3f} < floor {floor}"))

        hits = [h for h in report["trap_hits"] if h["above_relevant"]]
        others = len(report["trap_hits"]) - len(hits)
        self.stdout.write("")
        self.stdout.write(
            f"Traps ranked above a relevant offer: {len(hits)} "
            f"({others} more traps in the top {nk}, all below every relevant offer)."
        )
        needs = {n["id"]: n for n in data["needs"]}
        offers = {o["id"]: o for o in data["offers"]}
        for hit in sorted(hits, key=lambda h: (h["rank"], h["need"]))[:trap_limit]:
            need, offer = needs[hit["need"]], offers[hit["offer"]]
            self.stdout.write(
                f"  #{hit['rank']} need {need['id']} {need['community']}「{need['title']}」"
                f" ← offer {offer['id']}「{offer['title']}」 {hit['kind']},"
                f" score {hit['score']:.3f}, above {hit['above_relevant']} relevant"
            )
        if len(hits) > trap_limit:
            self.stdout.write(f"  … {len(hits) - trap_limit} more (see --json)")

    @staticmethod
    def _cells(summary: dict) -> tuple:
        return (
            summary["needs"],
            f"{summary[P_KEY]:.3f}",
            f"{summary[f'max_{P_KEY}']:.3f}",
            f"{summary[N_KEY]:.3f}",
            summary[f"traps_in_top{evaluation.NDCG_K}"],
            summary["traps_above_relevant"],
            summary["missed_relevant"],
        )


def _width(text: str) -> int:
    """Display width in a terminal: CJK characters take two columns."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _pad(text: str, width: int, *, right: bool = False) -> str:
    fill = " " * (width - _width(text))
    return fill + text if right else text + fill
