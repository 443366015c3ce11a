"""Coverage-guided fuzzing of the clause loader with atheris (not part of CI).

    .venv/bin/pip install atheris
    mkdir -p fuzz/corpus && .venv/bin/python fuzz/fuzz_clause_loader.py -max_total_time=120 fuzz/corpus fuzz/seeds

The loader must return a clause or raise the tool's own InputError for any bytes;
any other exception is a crash that atheris reports with the input that caused it.
"""

import sys

import atheris

with atheris.instrument_imports():
    from treatydraft.errors import InputError
    from treatydraft.loading.clauses import load_clause


def test_one_input(data: bytes) -> None:
    try:
        load_clause(data, "clauses/x.yaml", "x")
    except InputError as exc:
        for d in exc.diagnostics:
            if d.line < 1 or d.col < 1:
                raise AssertionError(f"diagnostic without a position: {d.format()}") from None


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
