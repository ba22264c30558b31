"""The workshop page as a Shiny for Python app: the controls, the run with its progress bar, the results side by
side, the list of runs, save and download. The work is `sim.workshop.session` and the HTML is `sim.workshop.page`;
this module only wires them to the page.

A run is done in a worker thread, so the page keeps its connection and shows the progress; whatever goes wrong in
it is shown as a message on the page and the server carries on. One `Session` serves every browser tab of the
server, so a reload keeps the cached base and the list of runs.
"""

from __future__ import annotations

import asyncio
import threading
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from shiny import App, reactive, render, ui

from ..outputs import OutputError
from ..scenario import ScenarioError
from . import page
from .levers import Lever, LeverError
from .session import Run, Session, WorkshopError, run_lines

MAX_LEVERS = 80  # message outputs made beside the controls; more levers than this get no message of their own

CSS = """
.lever { border-bottom: 1px solid #e4e4e4; padding: 6px 0 8px; }
.lever label { font-weight: 600; }
.lever .meta { font-size: 0.82em; color: #555; }
.lever .row-inputs { display: flex; gap: 8px; align-items: center; }
.lever .row-inputs .form-group { margin-bottom: 0; }
.lever .unit { min-width: 2.5em; }
.msg { color: #b2182b; font-weight: 600; font-size: 0.9em; }
.status { margin: 6px 0; }
.status.error { color: #b2182b; font-weight: 600; }
table.kpis { border-collapse: collapse; margin: 8px 0 16px; font-size: 0.92em; }
table.kpis td, table.kpis th { border: 1px solid #d0d0d0; padding: 3px 7px; }
table.kpis tr.theme th { background: #eef3f8; text-align: left; }
table.kpis td.num { text-align: right; white-space: nowrap; }
table.kpis td.sig { font-weight: bold; }
ul.findings { list-style: none; padding-left: 0.3em; }
ul.findings li.better { color: #1b5e36; } ul.findings li.worse { color: #8c1420; }
figure img { width: 100%; max-width: 1400px; border: 1px solid #e0e0e0; }
"""


def make_app(session: Session, files: Sequence[Path]) -> App:
    """The app for a workshop `session` whose base scenarios are `files` (the first is selected)."""
    files = [Path(f) for f in files]
    choices = {str(f): f.stem for f in files}
    app_ui = ui.page_sidebar(
        ui.sidebar(
            ui.input_select("base", "Base scenario", choices=choices, selected=str(files[0])),
            ui.p(f"Workshop settings: {session.settings.describe()}.", class_="meta"),
            ui.output_ui("levers"),
            width=480,
        ),
        ui.tags.style(CSS),
        ui.div(
            ui.input_action_button("run", "Run the variant against the base", class_="btn-primary"),
            ui.output_ui("status"),
        ),
        ui.layout_columns(
            ui.input_select("district", "District", choices={page.ALL_DISTRICTS: "the whole country"}),
            ui.input_select("reference", "Compare: reference run", choices=[]),
            ui.input_select("other", "with run", choices=[]),
            ui.div(ui.input_action_button("compare", "Compare these two"), class_="pt-4"),
        ),
        ui.output_ui("runs_list"),
        ui.div(id="coarse"),
        ui.output_ui("results"),
        ui.card(
            ui.card_header("Save the variant, download the report"),
            ui.layout_columns(
                ui.input_text("save_path", "Scenario file to write", value="", width="100%"),
                ui.input_checkbox("overwrite", "overwrite if the file exists", value=False),
                ui.input_action_button("save", "Save as scenario"),
                ui.download_button("download", "Download the HTML report"),
            ),
            ui.output_ui("save_msg"),
        ),
        title="ketensim workshop",
        fillable=False,
    )
    busy = threading.Lock()

    def server(input: Any, output: Any, _session: Any) -> None:
        messages: reactive.Value[dict[int, str]] = reactive.value({})
        status: reactive.Value[tuple[str, str]] = reactive.value(("", ""))
        pair: reactive.Value[tuple[str, str] | None] = reactive.value(None)
        save_message: reactive.Value[tuple[str, str]] = reactive.value(("", ""))

        @reactive.calc
        def base_file() -> Path:
            return Path(input.base())

        @reactive.calc
        def current_levers() -> list[Lever] | str:
            try:
                return session.levers(base_file())
            except ScenarioError as e:
                return "; ".join(str(p) for p in e.problems)

        @render.ui
        def levers():
            lv = current_levers()
            if isinstance(lv, str):
                return ui.div(f"This scenario does not validate: {lv}", class_="msg")
            panels: dict[str, list] = {}
            for i, lever in enumerate(lv):
                panels.setdefault(lever.measure, []).append(_lever_control(i, lever))
            return ui.accordion(
                *[ui.accordion_panel(m, *controls) for m, controls in panels.items()],
                id="measures",
                open=list(panels)[:1],
                multiple=True,
            )

        @reactive.effect
        def _districts():
            try:
                regions = list(session.base_scenario(base_file()).regions)
            except ScenarioError:
                regions = []
            ui.update_select("district", choices={page.ALL_DISTRICTS: "the whole country", **{r: r for r in regions}})

        def _message_output(i: int) -> None:
            @output(id=f"msg_{i}")
            @render.ui
            def _msg():
                text = messages().get(i)
                return ui.div(text, class_="msg", role="alert") if text else None

        for i in range(MAX_LEVERS):
            _message_output(i)

        @render.ui
        def status_ui():
            text, kind = status()
            return ui.div(text, class_=f"status {kind}") if text else None

        output(status_ui, id="status")

        @reactive.effect
        @reactive.event(input.run)
        async def _run():
            lv, bf = current_levers(), base_file()  # read here: the worker thread has no reactive context
            if isinstance(lv, str):
                status.set((f"The base scenario does not validate: {lv}", "error"))
                return
            values = {lever.path: input[f"lv_{i}"]() for i, lever in enumerate(lv)}
            dates = {lever.path: input[f"lvdate_{i}"]() for i, lever in enumerate(lv)}
            try:
                session.variant(bf, values, dates)
            except LeverError as e:
                index = {lever.path: i for i, lever in enumerate(lv)}
                messages.set({index[p]: m for p, m in e.messages.items() if p in index})
                status.set(("Some values cannot be used: see the messages beside the controls.", "error"))
                return
            except ScenarioError as e:
                messages.set({})
                status.set(("The variant does not validate: " + "; ".join(str(p) for p in e.problems), "error"))
                return
            messages.set({})
            if not busy.acquire(blocking=False):
                status.set(("Another run is going on; wait until it has finished.", "error"))
                return
            try:
                reps = session.settings.replications
                was_cached = session.is_cached(bf)
                total = session.steps(bf)
                status.set(("Running ...", ""))

                first: dict[str, Any] = {}
                district = input.district()

                def coarse(rows: list, names: list[str]) -> None:  # in the worker thread: only hand them over
                    first["rows"], first["names"] = rows, names

                def show_coarse() -> None:  # on the page's loop, while the run goes on
                    if "rows" not in first or first.get("shown"):
                        return
                    first["shown"] = True
                    names = first["names"]
                    resolved = {names[0]: session.base_scenario(bf).resolved_dict()}
                    resolved[names[1]] = session.variant(bf, values, dates)[0].resolved_dict()
                    chosen = page.district_rows(first["rows"], district)
                    ui.insert_ui(
                        ui.div(
                            ui.h3(
                                f"First answer, from {session.settings.first_answer_text()} "
                                f"(the full answer, {reps} replications, follows) ..."
                            ),
                            ui.HTML(page.findings_html(chosen, names, resolved)),
                            ui.HTML(page.table_html(chosen, names, resolved[names[0]])),
                            id="coarse-answer",
                        ),
                        selector="#coarse",
                        immediate=True,  # now, while the run goes on, not after it
                    )

                def work(advance: Callable[[int], None]) -> tuple[Run, Run]:
                    base, variant = session.run_variant(bf, values, dates, progress=advance, coarse=coarse)
                    folder, rows = session.comparison(base, variant)
                    page.figures_html(folder, [base.name, variant.name], rows)  # drawn here, off the page's loop
                    return base, variant

                result = await _with_progress(work, total, "Simulating (common random numbers)", show_coarse)
            finally:
                busy.release()
                ui.remove_ui("#coarse-answer", immediate=True)
            if isinstance(result, str):
                status.set((result, "error"))
                return
            base, variant = result
            base_text = "cached" if was_cached else f"run first, {base.wall_seconds:.1f} s, now cached"
            status.set(
                (f"Done: {variant.name} against {base.name} ({variant.wall_seconds:.1f} s; base {base_text}).", "ok")
            )
            names = [r.name for r in session.runs]
            ui.update_select("reference", choices=names, selected=base.name)
            ui.update_select("other", choices=names, selected=variant.name)
            ui.update_text("save_path", value=str(Path(base.base_file).parent / f"{variant.name}.toml"))
            pair.set((base.name, variant.name))

        @reactive.effect
        @reactive.event(input.compare)
        async def _compare():
            a, b = input.reference(), input.other()
            if not a or not b or a == b:
                status.set(("Choose two different runs to compare.", "error"))
                return

            def work(advance: Callable[[int], None]) -> tuple[str, str]:
                ra, rb = session.run_named(a), session.run_named(b)
                folder, rows = session.comparison(ra, rb)
                page.figures_html(folder, [a, b], rows)
                return a, b

            result = await _with_progress(work, 1, "Comparing")
            if isinstance(result, str):
                status.set((result, "error"))
                return
            status.set((f"Comparing {b} with {a}.", "ok"))
            pair.set(result)

        @render.ui
        def results():
            p = pair()
            if p is None:
                return ui.p("Change a lever and run: the results appear here, beside the base.")
            try:
                ra, rb = session.run_named(p[0]), session.run_named(p[1])
                folder, rows = session.comparison(ra, rb)
                district = input.district()
                chosen = page.district_rows(rows, district)
                where = "the whole country" if district == page.ALL_DISTRICTS else f"district {district}"
                figures = page.figures_html(folder, list(p), rows)
            except Exception as e:  # the page shows what went wrong; the server carries on
                traceback.print_exc()
                return ui.div(f"The results cannot be shown: {e}", class_="status error")
            resolved = {r.name: r.scenario.resolved_dict() for r in (ra, rb)}
            return ui.div(
                ui.h3(f"{p[1]} against {p[0]}: {where}"),
                ui.HTML(page.findings_html(chosen, list(p), resolved)),
                ui.HTML(page.table_html(chosen, list(p), resolved[p[0]])),
                ui.h4("Figures (the whole country)"),
                ui.HTML(figures),
                id="results-panel",
            )

        @render.ui
        def runs_list():
            pair()  # a new run or pair: the list again
            lv = current_levers()
            if not session.runs or isinstance(lv, str):
                return None
            lines = run_lines(session.runs, lv)
            return ui.div(
                ui.h5("Runs of this session"), ui.tags.ul(*[ui.tags.li(x) for x in lines]), id="runs", class_="meta"
            )

        @reactive.effect
        @reactive.event(input.save)
        def _save():
            p = pair()
            if p is None:
                save_message.set(("Run a variant first.", "error"))
                return
            run = session.run_named(p[1])
            if run.is_base:
                save_message.set(("The shown run is a base scenario; choose a variant as the second run.", "error"))
                return
            target = Path(input.save_path().strip() or f"{run.name}.toml")
            try:
                written = session.save(run, target, overwrite=bool(input.overwrite()))
            except (WorkshopError, OSError) as e:
                save_message.set((str(e), "error"))
                return
            save_message.set((f"Saved {written}: it extends {run.base_file.name} and validates.", "ok"))

        @render.ui
        def save_msg():
            text, kind = save_message()
            return ui.div(text, class_=f"status {kind}", id="save-status") if text else None

        def report_name() -> str:
            p = pair()
            return "workshop-report.html" if p is None else f"{p[0]}-vs-{p[1]}.html"

        @render.download_button(filename=report_name, media_type="text/html")
        async def download():
            p = pair()
            if p is None:
                yield b"<!DOCTYPE html><p>No comparison yet: run a variant on the workshop page first.</p>"
                return
            try:
                ra, rb = session.run_named(p[0]), session.run_named(p[1])
                path = await asyncio.to_thread(session.report, ra, rb)  # the figures take a while; the page stays live
            except Exception as e:  # said on the page; the server carries on
                traceback.print_exc()
                save_message.set((f"The report could not be written: {e}", "error"))
                yield f"<!DOCTYPE html><p>The report could not be written: {e}</p>".encode()
                return
            yield path.read_bytes()

    return App(app_ui, server)


def _lever_control(i: int, lever: Lever):
    return ui.div(
        ui.tags.label(lever.label, **{"for": f"lv_{i}"}),
        ui.div(
            ui.input_text(f"lv_{i}", None, value=f"{lever.baseline_number:g}", width="8em"),
            ui.span(lever.unit, class_="unit"),
            ui.input_text(f"lvdate_{i}", None, value="", placeholder="from (YYYY-MM-DD)", width="11em"),
            class_="row-inputs",
        ),
        ui.div(
            f"baseline {lever.baseline_text()} · Actieplan {lever.measure_text()} · source: {lever.source}",
            class_="meta",
        ),
        ui.output_ui(f"msg_{i}"),
        class_="lever",
        **{"data-path": lever.path},
    )


async def _with_progress(
    work: Callable[[Callable[[int], None]], Any], total: int, message: str, poll: Callable[[], None] | None = None
) -> Any:
    """Run `work(advance)` in a thread with a progress bar of `total` steps, calling `poll` on the page's loop
    meanwhile; its result, or the message of what went wrong (a str), never an exception on the page."""
    done = [0]

    def advance(k: int) -> None:
        done[0] += k

    loop = asyncio.get_running_loop()
    with ui.Progress(min=0, max=total) as bar:
        bar.set(0, message=message)
        future = loop.run_in_executor(None, work, advance)
        while not future.done():
            bar.set(min(done[0], total), message=message, detail=f"{done[0]} of {total} replications")
            if poll is not None:
                try:
                    poll()
                except Exception:  # the coarse answer is a courtesy: the full one follows
                    traceback.print_exc()
            await asyncio.wait([future], timeout=0.4)
        try:
            return future.result()
        except (LeverError, WorkshopError, OutputError) as e:
            return str(e)
        except ScenarioError as e:
            return "The variant does not validate: " + "; ".join(str(p) for p in e.problems)
        except Exception as e:  # a failed run: said on the page, the server carries on
            traceback.print_exc()
            return f"The run failed: {type(e).__name__}: {e}"
