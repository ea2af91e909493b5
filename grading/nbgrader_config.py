# nbgrader configuration of the kurskit course (tracked). The course root is this folder:
# run nbgrader and the trainer's JupyterLab from here; kurskit pins the root itself.
c = get_config()  # noqa: F821  (provided by traitlets when nbgrader loads this file)

c.CourseDirectory.course_id = "kurskit"

# Voilà runs every cell of the release notebook, so an answer cell must stay harmless:
# the learner answers in the widgets, and kurskit writes the answer into this cell.
c.ClearSolutions.code_stub = {
    "python": "# Die Antwort wird beim Abgeben aus dem Formular übernommen.\n",
}
c.ClearSolutions.text_stub = ""  # free text is typed into the widget above the cell

# A learner's module must never hang the grader.
c.ExecutePreprocessor.timeout = 60
c.Execute.timeout = 60

# Modules reach learners through the kurskit portal, not nbgrader's exchange; keep the
# exchange inside the course so nbgrader's extensions never need /usr/local/share.
import os  # noqa: E402

c.Exchange.root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "exchange")

# Hub mode: the gradebook lives in the database the deployment names (PostgreSQL), so that
# formgrader and kurskit share it.
if os.environ.get("KURSKIT_DB_URL"):
    c.CourseDirectory.db_url = os.environ["KURSKIT_DB_URL"]

# Question pools: nbgrader's gradebook keeps one grade cell per pool. kurskit puts its
# preprocessor in front of generate_assignment's pipeline (kurskit.release.pool_cells);
# the same list here makes `nbgrader generate_assignment` from the command line agree.
from kurskit.release.pool_cells import generate_assignment_pipeline  # noqa: E402

c.GenerateAssignment.preprocessors = generate_assignment_pipeline()
