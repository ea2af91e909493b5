"""Question types: their authored form, their answer schema and their check function.

One registry serves the places that must agree: both module views of the portal (the
page's controls and the Voilà widgets), the grading service's validation of untrusted
answers, and the content linter. A question is authored as a call with literal arguments only, e.g.
``single_choice("qid", "Frage?", ["A", "B"])``; kurskit reads such calls with `ast`
and never executes authored or submitted source outside a kernel.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from kurskit.authoring.elements import material_problems
from kurskit.authoring.literals import MAX_TEXT, LiteralRefused, ensure_literal


class SpecError(ValueError):
    """An authored question call is malformed (message for authors, English)."""


class AnswerRefused(ValueError):
    """A submitted answer does not fit its question (English message, German for learners)."""

    def __init__(self, message: str, german: str) -> None:
        super().__init__(message)
        self.german = german


@dataclass(frozen=True)
class QuestionSpec:
    qid: str
    kind: str
    prompt: str
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    shuffle: bool = False  # show choices in a random order per learner
    data: dict[str, Any] = field(default_factory=dict)  # an interactive element's material
    # the question pool (group of interchangeable variants) this question belongs to
    pool: str | None = None

    def public(self) -> dict[str, Any]:
        """What a client may see: no solution, no explanation."""
        return {"id": self.qid, "type": self.kind, "prompt": self.prompt,
                **{k: list(v) for k, v in self.choices.items()}, **self.texts,
                **({"pool": self.pool} if self.pool else {})}


class QuestionKind:
    name: ClassVar[str]
    check_function: ClassVar[str]
    # graded by a trainer in formgrader instead of a hidden test
    manual: ClassVar[bool] = False
    # names of the list arguments after (qid, prompt), then of text arguments, in call order
    lists: ClassVar[tuple[str, ...]] = ()
    texts: ClassVar[tuple[str, ...]] = ()
    # keyword arguments the check function accepts after (answer, solution, explanation);
    # `points=` switches on partial credit and must equal the test cell's points
    check_options: ClassVar[tuple[str, ...]] = ()
    shufflable: ClassVar[bool] = False
    # text answers: the longest text accepted (None for other kinds)
    max_length: ClassVar[int | None] = None
    # interactive elements (a widget that needs a kernel): names of their material
    # arguments (literal lists or dicts, after the texts) and the kind their answer has
    data: ClassVar[tuple[str, ...]] = ()
    interactive: ClassVar[bool] = False

    @property
    def answer_kind(self) -> str:
        """The plain kind whose controls and answer shape this kind shares."""
        return next(str(vars(c)["name"]) for c in type(self).__mro__
                    if "name" in vars(c) and not vars(c).get("interactive"))

    def spec_from_call(self, call: ast.Call) -> QuestionSpec:
        names = ("qid", "prompt", *self.lists, *self.texts, *self.data)
        if call.keywords and any(k.arg is None for k in call.keywords):
            raise SpecError(f"{self.name}(): **kwargs are not allowed")
        given: dict[str, Any] = {}
        if len(call.args) > len(names):
            raise SpecError(f"{self.name}() takes {len(names)} arguments: {', '.join(names)}")
        for name, node in zip(names, call.args, strict=False):
            given[name] = _literal(node, self.name, name)
        shuffle, pool = False, None
        for keyword in call.keywords:
            if keyword.arg == "shuffle" and self.shufflable:
                shuffle = _literal(keyword.value, self.name, "shuffle")
                if not isinstance(shuffle, bool):
                    raise SpecError(f"{self.name}(): shuffle must be True or False")
                continue
            if keyword.arg == "pool" and not self.manual:
                pool = _literal(keyword.value, self.name, "pool")
                if not isinstance(pool, str) or not pool.isidentifier() or not pool.isascii():
                    raise SpecError(f"{self.name}(): pool must name its group as an ASCII "
                                    "identifier, e.g. pool=\"rechtsgrundlage\"")
                continue
            if keyword.arg not in names or keyword.arg in given:
                raise SpecError(f"{self.name}(): unexpected argument {keyword.arg!r}")
            given[keyword.arg] = _literal(keyword.value, self.name, str(keyword.arg))
        missing = [n for n in names if n not in given]
        if missing:
            raise SpecError(f"{self.name}(): missing argument(s) {', '.join(missing)}")
        qid, prompt = given["qid"], given["prompt"]
        if not isinstance(qid, str) or not qid.isidentifier() or not qid.isascii():
            raise SpecError(f"{self.name}(): question id {qid!r} must be an ASCII identifier")
        if not isinstance(prompt, str) or not prompt.strip():
            raise SpecError(f"{self.name}(): prompt must be non-empty text")
        choices: dict[str, tuple[str, ...]] = {}
        for name in self.lists:
            items = given[name]
            if (not isinstance(items, list | tuple) or len(items) < 2
                    or not all(isinstance(i, str) and i.strip() for i in items)):
                raise SpecError(f"{self.name}(): {name} must be a list of at least two texts")
            if len(set(items)) != len(items):
                raise SpecError(f"{self.name}(): {name} contains duplicates")
            choices[name] = tuple(items)
        texts: dict[str, str] = {}
        for name in self.texts:
            if not isinstance(given[name], str) or len(given[name]) > 60:
                raise SpecError(f"{self.name}(): {name} must be a short text")
            texts[name] = given[name]
        data = {name: given[name] for name in self.data}
        for problem in self.data_problems(choices, data):
            raise SpecError(f"{self.name}(): {problem}")
        return QuestionSpec(qid=qid, kind=self.name, prompt=prompt, choices=choices, texts=texts,
                            shuffle=shuffle, data=data, pool=pool)

    def data_problems(self, choices: dict[str, tuple[str, ...]],
                      data: dict[str, Any]) -> list[str]:
        """What is wrong with an interactive element's material (English, for authors)."""
        return material_problems(self.name, choices, data) if self.interactive else []

    def normalize(self, spec: QuestionSpec, value: Any) -> Any:
        """The answer in canonical form, or AnswerRefused. None means unanswered."""
        raise NotImplementedError

    def answer_for_solution(self, solution: Any) -> Any:
        """An answer a learner could give that earns full points (for `kurskit check`)."""
        return solution

    def text_answer(self, text: str) -> str | None:
        """A text field's content as the answer: trimmed, cut to `max_length`, None if empty."""
        return text.strip()[:self.max_length] or None

    def solution_problems(self, spec: QuestionSpec, solution: Any) -> list[str]:
        try:
            normalized = self.normalize(spec, solution)
        except AnswerRefused as refused:
            return [f"solution does not fit the question: {refused}"]
        if normalized is None:
            return ["solution must not be None"]
        return []

    def _mapping(self, spec: QuestionSpec, value: Any, keys: str,
                 fits: Callable[[Any], bool], refused: AnswerRefused) -> dict[str, Any]:
        """A mapping answer: keys among the question's `keys`, each value accepted by
        `fits`; returned in the author's order of the keys. Else `refused` is raised."""
        if not isinstance(value, dict) or not all(
                k in spec.choices[keys] and fits(v) for k, v in value.items()):
            raise refused
        return {k: value[k] for k in spec.choices[keys] if k in value}

    def _covers(self, spec: QuestionSpec, solution: Any, items: str) -> list[str]:
        """A mapping solution must answer every one of the question's `items`."""
        problems = QuestionKind.solution_problems(self, spec, solution)
        if not problems and set(solution) != set(spec.choices[items]):
            problems.append(f"the solution must answer every one of the {items}")
        return problems


def _literal(node: ast.AST, func: str, arg: str) -> Any:
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        raise SpecError(f"{func}(): argument {arg!r} must be a literal") from None


class SingleChoice(QuestionKind):
    name = "single_choice"
    check_function = "check_single_choice"
    lists = ("options",)
    shufflable = True

    def normalize(self, spec: QuestionSpec, value: Any) -> Any:
        if value is None:
            return None
        if not isinstance(value, str) or value not in spec.choices["options"]:
            raise AnswerRefused(
                f"answer to {spec.qid!r} is not one of its options",
                "Die Antwort ist keine der angebotenen Auswahlmöglichkeiten.",
            )
        return value


class MultipleChoice(QuestionKind):
    name = "multiple_choice"
    check_function = "check_multiple_choice"
    lists = ("options",)
    shufflable = True
    check_options = ("points",)

    def normalize(self, spec: QuestionSpec, value: Any) -> Any:
        if value is None:
            return None
        options = spec.choices["options"]
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise AnswerRefused(
                f"answer to {spec.qid!r} must be a list of options",
                "Die Antwort muss eine Liste der angebotenen Möglichkeiten sein.",
            )
        unknown = [v for v in value if v not in options]
        if unknown or len(set(value)) != len(value):
            raise AnswerRefused(
                f"answer to {spec.qid!r} contains unknown or repeated options",
                "Die Antwort enthält unbekannte oder doppelte Möglichkeiten.",
            )
        # canonical order: the author's order, so equal choices compare equal
        return [o for o in options if o in value]


class Matching(QuestionKind):
    name = "matching"
    check_function = "check_matching"
    lists = ("cases", "categories")
    shufflable = True
    check_options = ("points",)

    def normalize(self, spec: QuestionSpec, value: Any) -> Any:
        if value is None:
            return None
        if not isinstance(value, dict):
            raise AnswerRefused(
                f"answer to {spec.qid!r} must map cases to categories",
                "Die Antwort muss Fälle Kategorien zuordnen.",
            )
        unknown = AnswerRefused(
            f"answer to {spec.qid!r} uses an unknown case or category",
            "Die Zuordnung enthält einen unbekannten Fall oder eine unbekannte Kategorie.")
        categories = spec.choices["categories"]
        return self._mapping(spec, value, "cases", lambda c: c in categories, unknown)

    def solution_problems(self, spec: QuestionSpec, solution: Any) -> list[str]:
        return self._covers(spec, solution, "cases")


class TrueFalse(QuestionKind):
    """A group of statements, each to be judged „richtig“ or „falsch“."""

    name = "true_false"
    check_function = "check_true_false"
    lists = ("statements",)
    shufflable = True
    check_options = ("points",)

    def normalize(self, spec: QuestionSpec, value: Any) -> Any:
        if value is None:
            return None
        judged = AnswerRefused(f"answer to {spec.qid!r} must map statements to true or false",
                               "Bitte bewerten Sie jede Aussage mit „richtig“ oder „falsch“.")
        return self._mapping(spec, value, "statements", lambda v: isinstance(v, bool), judged)

    def solution_problems(self, spec: QuestionSpec, solution: Any) -> list[str]:
        return self._covers(spec, solution, "statements")


class Ordering(QuestionKind):
    name = "ordering"
    check_function = "check_ordering"
    lists = ("items",)
    check_options = ("points",)

    def normalize(self, spec: QuestionSpec, value: Any) -> Any:
        if value is None:
            return None
        items = spec.choices["items"]
        if (not isinstance(value, list | tuple) or len(value) != len(items)
                or sorted(map(str, value)) != sorted(items)):
            raise AnswerRefused(
                f"answer to {spec.qid!r} must list every item exactly once",
                "Bitte bringen Sie jeden Schritt genau einmal in eine Reihenfolge.")
        return list(value)

    def solution_problems(self, spec: QuestionSpec, solution: Any) -> list[str]:
        problems = super().solution_problems(spec, solution)
        if not problems and list(spec.choices["items"]) == list(solution):
            problems.append("items are listed in the solution's order: scramble them in the call")
        return problems


class Numeric(QuestionKind):
    name = "numeric"
    check_function = "check_numeric"
    texts = ("unit",)
    check_options = ("tolerance",)

    def normalize(self, spec: QuestionSpec, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise AnswerRefused(f"answer to {spec.qid!r} must be a number",
                                "Bitte geben Sie eine Zahl ein.")
        return value


class ShortText(QuestionKind):
    name = "short_text"
    check_function = "check_short_text"
    max_length = 200
    TOO_LONG = "Bitte antworten Sie mit einem kurzen Text (bis {max} Zeichen)."

    def normalize(self, spec: QuestionSpec, value: Any) -> Any:
        if value is None:
            return None
        limit = self.max_length or MAX_TEXT
        if not isinstance(value, str) or len(value) > limit:
            raise AnswerRefused(f"answer to {spec.qid!r} must be a text of at most {limit} "
                                "characters", self.TOO_LONG.format(max=limit))
        return value.strip() or None

    def answer_for_solution(self, solution: Any) -> Any:
        return solution[0]

    def solution_problems(self, spec: QuestionSpec, solution: Any) -> list[str]:
        if (not isinstance(solution, list) or not solution
                or not all(isinstance(s, str) and s.strip() for s in solution)):
            return ["the solution of a short_text question is a list of accepted answers"]
        return []


class FreeText(ShortText):
    """A text a trainer grades in formgrader (e.g. the reply to an Auskunftsersuchen)."""

    name = "free_text"
    check_function = ""
    manual = True
    max_length = MAX_TEXT
    TOO_LONG = "Ihr Text darf höchstens {max} Zeichen haben."

    def answer_for_solution(self, solution: Any) -> Any:
        return "Beispielantwort für die Prüfung des Moduls."

    def solution_problems(self, spec: QuestionSpec, solution: Any) -> list[str]:
        return []


class PhishingInspector(MultipleChoice):
    """Mails to inspect (sender address, real link targets, attachments); the answer is the
    list of features the learner marked as suspicious (`options`, each under one mail)."""

    name, interactive, shufflable, data = "phishing_inspector", True, False, ("mails",)


class PasswordLab(Numeric):
    """Length, character set and reuse of a password: the kernel computes how long trying
    every combination takes; the answer is the length the learner takes over."""

    name, interactive, data = "password_lab", True, ("annahmen",)


class MaturityCheck(SingleChoice):
    """A ladder of yes/no questions: the first „nein“ at question n gives options[n], all
    „ja“ the last option, each result explained. The answer is the result it arrives at."""

    name, interactive, shufflable, data = "maturity_check", True, False, (
        "fragen", "erklaerungen")


class DataChart(SingleChoice):
    """A bar chart (one bar per option) of `werte[filter 1][filter 2]` with two filters and a
    table as text alternative; the answer is the bar the learner marks."""

    name, interactive, shufflable, data = "data_chart", True, False, ("werte", "beschriftung")


KINDS: dict[str, QuestionKind] = {k.name: k for k in (
    SingleChoice(), MultipleChoice(), TrueFalse(), Matching(), Ordering(), Numeric(), ShortText(),
    FreeText(), PhishingInspector(), PasswordLab(), MaturityCheck(), DataChart())}
CHECK_FUNCTIONS: dict[str, str] = {k.check_function: k.name for k in KINDS.values()
                                   if not k.manual}


def normalize_answer(spec: QuestionSpec, value: Any) -> Any:
    """Validate one untrusted answer: literal data that fits the question, else AnswerRefused."""
    try:
        ensure_literal(value)
    except LiteralRefused as refused:
        raise AnswerRefused(f"answer to {spec.qid!r}: {refused}", refused.german) from None
    return KINDS[spec.kind].normalize(spec, value)
