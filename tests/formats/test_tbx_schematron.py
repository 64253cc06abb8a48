"""TBX v3 output against the TBX-Basic dialect's Schematron rules (ISO Schematron, XSLT 2).

The RelaxNG grammar checks structure only; the dialect's picklists (termLocation may hold only
`menuItem`, `textBox`, …) and the DCA-style rules live in `TBX-Basic_DCA.sch`, whose assertions
use XPath 2 (`matches()`). lxml's own Schematron support is XSLT 1, so the schema is compiled
with the ISO Schematron reference stylesheets (Rick Jelliffe's skeleton, shipped inside lxml)
running on Saxon-HE (saxonche), as an XSLT 2 stylesheet; the compiled stylesheet then validates
each file and reports failed assertions in SVRL.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from zhtm.formats.tbx import TbxHeader, read_tbx, write_tbx
from zhtm.records import TermEntry, term_id

from tests.paths import ROOT, SCHEMAS as SHARED

saxonche = pytest.importorskip("saxonche", reason="the Schematron test needs saxonche (test extras)")

SCH = SHARED / "tbx3" / "TBX-Basic_DCA.sch"
RNG = SHARED / "tbx3" / "TBXcoreStructV03_TBX-Basic_integrated.rng"
SVRL = "{http://purl.oclc.org/dsdl/svrl}"

if not SCH.exists():
    pytest.skip("../shared/schemas is not there", allow_module_level=True)

# The skeleton accepts queryBinding "xslt" only; its documented extension point is a
# meta-stylesheet that imports it and adds a template for another binding. This one emits the
# same validator as an XSLT 2 stylesheet (so Saxon evaluates the assertions as XPath 2).
_XSLT2_BINDING = """<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:axsl="http://www.w3.org/1999/XSL/TransformAlias"
    xmlns:iso="http://purl.oclc.org/dsdl/schematron">
  <xsl:import href="{svrl}"/>
  <xsl:template match="iso:schema[@queryBinding='xslt2']" priority="20">
    <axsl:stylesheet>
      <xsl:apply-templates select="iso:ns"/>
      <xsl:attribute name="version">2.0</xsl:attribute>
      <xsl:apply-templates select="." mode="stylesheetbody"/>
    </axsl:stylesheet>
  </xsl:template>
</xsl:stylesheet>
"""


@pytest.fixture(scope="module")
def schematron(tmp_path_factory):
    """validate(path) -> list of failed assertions (their messages); [] when valid."""
    import lxml

    skeleton = Path(lxml.__file__).parent / "isoschematron" / "resources" / "xsl" / "iso-schematron-xslt1"
    work = tmp_path_factory.mktemp("schematron")
    meta = work / "xslt2_binding.xsl"
    meta.write_text(_XSLT2_BINDING.format(svrl=(skeleton / "iso_svrl_for_xslt1.xsl").as_uri()),
                    encoding="utf-8")
    processor = saxonche.PySaxonProcessor(license=False)
    xslt = processor.new_xslt30_processor()
    # ISO pipeline: resolve inclusions, expand abstract patterns, compile to a validator.
    stage = SCH
    for step, stylesheet in enumerate((skeleton / "iso_dsdl_include.xsl",
                                       skeleton / "iso_abstract_expand.xsl", meta)):
        out = work / f"stage{step}.xml"
        compiled = xslt.compile_stylesheet(stylesheet_file=str(stylesheet))
        compiled.transform_to_file(source_file=str(stage), output_file=str(out))
        stage = out
    validator = xslt.compile_stylesheet(stylesheet_file=str(stage))

    def validate(path: Path) -> list[str]:
        report = etree.fromstring(validator.transform_to_string(source_file=str(path)).encode("utf-8"))
        assert report.tag == f"{SVRL}schematron-output"
        return [" ".join("".join(f.itertext()).split()) for f in report.iter(f"{SVRL}failed-assert")]

    yield validate
    del processor


def _entries() -> list[TermEntry]:
    return [
        TermEntry(term_id("四个中心"), "四个中心", "four centers", ("four centres",), 2,
                  "建设“四个中心”。", "the “four centers”", "beijing-gwr-2024.zh-en.txt",
                  "zh line 53, en line 54", 'The "four centers" refers to …', "reviewed"),
        TermEntry(term_id("营商环境"), "营商环境", "business environment", (), 7, "优化营商环境。",
                  "improved the business environment", "report.tmx", "TU 12"),
    ]


def test_the_processor_runs_xpath2_rules_and_catches_violations(schematron, tmp_path):
    """Known-bad documents fail the rules a plain XSLT 1 engine could not run."""
    assert schematron(SHARED / "samples" / "sample_tbx3.tbx") == []
    sample = (SHARED / "samples" / "sample_tbx3.tbx").read_text(encoding="utf-8")
    bad_target = tmp_path / "target.tbx"  # matches(@target, 'https?://.+') is XPath 2
    bad_target.write_text(sample.replace("<term>", '<term><ph target="ftp:x"/>', 1), encoding="utf-8")
    assert any("ID must be IDREF" in m for m in schematron(bad_target))
    free_text = tmp_path / "location.tbx"
    free_text.write_text(sample.replace(
        "</term>", '</term><termNote type="termLocation">zh line 3</termNote>', 1), encoding="utf-8")
    assert any("termLocation" in m for m in schematron(free_text))


def test_tbx3_output_is_schematron_and_rng_valid(schematron, tmp_path):
    out = tmp_path / "g.tbx"
    write_tbx(_entries(), out, flavour="3", header=TbxHeader(source="t", proposed=("a", "b")))
    assert schematron(out) == []
    rng = etree.RelaxNG(etree.parse(str(RNG)))
    assert rng.validate(etree.parse(str(out))), rng.error_log
    # the location survives as a note and reads back
    assert [e.location for e in read_tbx(out)] == ["zh line 53, en line 54", "TU 12"]


def test_beijing_glossary_in_tbx3_is_schematron_valid(schematron, tmp_path):
    from click.testing import CliRunner

    from zhtm.cli.terms import terms

    out = tmp_path / "beijing.tbx"
    tmx = ROOT / "tmx" / "beijing-gwr-2024.zh-en.tmx"
    result = CliRunner().invoke(terms, [str(tmx), "--notes", str(ROOT / "corpus" / "beijing-gwr-2024.zh-en.txt"),
                                        "--format", "tbx3", "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert schematron(out) == []
    assert len(list(read_tbx(out))) == 200
