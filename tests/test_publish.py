"""`azx publish`: refuses unproven sites, switches atomically, rolls back, prunes."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from tiny_package import make_data

from generator import publish
from generator.cli import main
from generator.site import manifest

ASSET = "assets/stylesheets/main.0123abcd.min.css"



def make_site(root: Path, data: Path, marker: str, asset: str = ASSET) -> Path:
    """A built-looking site: a page, a hashed asset and a manifest written against `data`."""
    (root / Path(asset).parent).mkdir(parents=True)
    (root / "index.html").write_text(f"<p>{marker}</p>", encoding="utf-8")
    (root / asset).write_text(f"/* {marker} */", encoding="utf-8")
    manifest.write_manifest(root, data, errors=0, warnings=0)
    return root


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return make_data(tmp_path / "data")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["publish", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def live_text(dest: Path) -> str:
    return (dest / "current" / "index.html").read_text(encoding="utf-8")


def test_refuses_site_without_manifest(tmp_path, data, capsys):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("x", encoding="utf-8")
    code, out, err = run(capsys, "--site", str(site), "--data", str(data),
                         "--dest", str(tmp_path / "www"))
    assert code == 1
    assert out == ""
    assert err == (
        f"azx publish: 拒绝发布:{site}/ 中没有有效的 build-manifest.json,"
        "它不是 azx build 成功生成的网站。请先运行 azx build。\n"
    )
    assert not (tmp_path / "www" / "current").exists()


def test_refuses_tampered_file(tmp_path, data, capsys):
    site = make_site(tmp_path / "site", data, "A")
    (site / "index.html").write_text("<p>changed by hand</p>", encoding="utf-8")
    code, _, err = run(capsys, "--site", str(site), "--data", str(data),
                       "--dest", str(tmp_path / "www"))
    assert code == 1
    assert err == (
        f"azx publish: 拒绝发布:{site}/index.html 与 build-manifest.json 记录的 sha256 不一致,"
        "生成后被修改过。请重新运行 azx build。\n"
    )


def test_refuses_missing_and_extra_files(tmp_path, data, capsys):
    site = make_site(tmp_path / "site", data, "A")
    (site / ASSET).unlink()
    (site / "extra.html").write_text("x", encoding="utf-8")
    code, _, err = run(capsys, "--site", str(site), "--data", str(data),
                       "--dest", str(tmp_path / "www"))
    assert code == 1
    assert err == (
        f"azx publish: 拒绝发布:build-manifest.json 列出的 {site}/{ASSET} 不存在"
        "(另有 1 个文件有问题)。请重新运行 azx build。\n"
    )


def test_refuses_site_built_from_other_data(tmp_path, data, capsys):
    site = make_site(tmp_path / "site", data, "A")
    (data / "regions.csv").write_text("code,name\n411721,西平县\n", encoding="utf-8")
    code, _, err = run(capsys, "--site", str(site), "--data", str(data),
                       "--dest", str(tmp_path / "www"))
    assert code == 1
    assert err == (
        f"azx publish: 拒绝发布:{site}/ 不是用 {data}/ 中的这版数据生成的(数据摘要不一致)。"
        "请重新运行 azx build。\n"
    )


def test_refuses_manifest_with_validation_errors(tmp_path, data, capsys):
    site = tmp_path / "site"
    site.mkdir()
    manifest.write_manifest(site, data, errors=3, warnings=0)
    code, _, err = run(capsys, "--site", str(site), "--data", str(data),
                       "--dest", str(tmp_path / "www"))
    assert code == 1
    assert err == (
        f"azx publish: 拒绝发布:{site}/build-manifest.json 记录了 3 个校验错误。"
        "请先改正数据并重新运行 azx build。\n"
    )


def test_usage_problems_exit_2(tmp_path, data, capsys):
    with pytest.raises(SystemExit) as missing_dest:
        main(["publish", "--site", "site"])
    assert missing_dest.value.code == 2
    capsys.readouterr()

    target = tmp_path / "a-file"
    target.write_text("", encoding="utf-8")
    site = make_site(tmp_path / "site", data, "A")
    code, _, err = run(capsys, "--site", str(site), "--data", str(data), "--dest", str(target))
    assert (code, err) == (2, f"azx publish: 目标 {target} 不是目录\n")

    code, _, err = run(capsys, "--site", str(site), "--data", str(tmp_path / "nodata"),
                       "--dest", str(tmp_path / "www"))
    assert (code, err) == (
        2, f"azx publish: 数据目录 {tmp_path / 'nodata'}/ 中没有 datapackage.json"
           "(用 --data 指定数据目录)\n")

    code, _, err = run(capsys, "--dest", str(tmp_path / "www"), "--keep", "0")
    assert (code, err) == (2, "azx publish: --keep 至少为 1\n")

    code, _, err = run(capsys, "--dest", str(tmp_path / "nowhere"), "--rollback")
    assert (code, err) == (2, f"azx publish: 目标目录 {tmp_path / 'nowhere'} 不存在\n")


def test_publish_twice_then_rollback(tmp_path, capsys):
    data_a, data_b = make_data(tmp_path / "a"), make_data(tmp_path / "b", "code,name\n")
    site_a = make_site(tmp_path / "site-a", data_a, "release A")
    site_b = make_site(tmp_path / "site-b", data_b, "release B",
                       asset="assets/stylesheets/main.89abcdef.min.css")
    dest = tmp_path / "www"
    id_a = "0001-" + manifest.data_digest(data_a)[:12]
    id_b = "0002-" + manifest.data_digest(data_b)[:12]

    code, out, _ = run(capsys, "--site", str(site_a), "--data", str(data_a), "--dest", str(dest))
    assert code == 0
    assert out == f"已发布新版本 {id_a}(3 个文件)\n当前上线版本:{id_a}\n"
    code, out, _ = run(capsys, "--site", str(site_b), "--data", str(data_b), "--dest", str(dest))
    assert code == 0
    assert out == f"已发布新版本 {id_b}(3 个文件)\n当前上线版本:{id_b}\n"
    assert os.readlink(dest / "current") == f"releases/{id_b}"
    assert live_text(dest) == "<p>release B</p>"
    # Both releases' hashed assets are in the pool: a page of A still finds its stylesheet.
    assert (dest / "pool" / ASSET).read_text(encoding="utf-8") == "/* release A */"

    code, out, _ = run(capsys, "--dest", str(dest), "--rollback")
    assert code == 0
    assert out == f"已回滚:{id_b} → {id_a}\n当前上线版本:{id_a}\n"
    assert os.readlink(dest / "current") == f"releases/{id_a}"
    assert live_text(dest) == "<p>release A</p>"

    code, _, err = run(capsys, "--dest", str(dest), "--rollback")
    assert (code, err) == (1, f"azx publish: 无法回滚:{dest} 中没有比 {id_a} 更早的版本\n")


def test_pruning_keeps_n_and_never_the_live_or_previous(tmp_path, data, capsys):
    dest = tmp_path / "www"
    prefix = manifest.data_digest(data)[:12]
    for n in range(1, 5):
        site = make_site(tmp_path / f"site{n}", data, f"R{n}", asset=f"assets/app.{n:08x}.js")
        assert run(capsys, "--site", str(site), "--data", str(data), "--dest", str(dest),
                   "--keep", "2")[0] == 0
    assert publish.list_releases(dest) == [f"0003-{prefix}", f"0004-{prefix}"]
    assert sorted(p.name for p in (dest / "pool" / "assets").iterdir()) == [
        "app.00000003.js", "app.00000004.js"]

    # Rolled back to 0003, a publish with --keep 1 keeps the new live one and the one before it.
    run(capsys, "--dest", str(dest), "--rollback")
    site = make_site(tmp_path / "site5", data, "R5", asset="assets/app.00000005.js")
    code, out, _ = run(capsys, "--site", str(site), "--data", str(data), "--dest", str(dest),
                       "--keep", "1")
    assert code == 0
    assert out == (f"已发布新版本 0005-{prefix}(3 个文件)\n"
                   f"已清理旧版本:0003-{prefix}\n当前上线版本:0005-{prefix}\n")
    assert publish.list_releases(dest) == [f"0004-{prefix}", f"0005-{prefix}"]


def test_current_is_never_missing_while_publishing(tmp_path, data, monkeypatch, capsys):
    dest = tmp_path / "www"
    first = make_site(tmp_path / "site1", data, "R1", asset="assets/app.00000001.js")
    assert run(capsys, "--site", str(first), "--data", str(data), "--dest", str(dest))[0] == 0

    seen: list[bool] = []

    def checked(function):
        def wrapper(*args, **kwargs):
            seen.append((dest / "current" / "index.html").is_file())
            result = function(*args, **kwargs)
            seen.append((dest / "current" / "index.html").is_file())
            return result
        return wrapper

    for name in ("replace", "rename", "symlink", "unlink", "link", "rmdir"):
        monkeypatch.setattr(os, name, checked(getattr(os, name)))
    monkeypatch.setattr(shutil, "rmtree", checked(shutil.rmtree))
    for n in range(2, 5):
        site = make_site(tmp_path / f"site{n}", data, f"R{n}", asset=f"assets/app.{n:08x}.js")
        assert run(capsys, "--site", str(site), "--data", str(data), "--dest", str(dest),
                   "--keep", "1")[0] == 0
    run(capsys, "--dest", str(dest), "--rollback")
    assert len(seen) > 20
    assert all(seen)
    assert live_text(dest) == "<p>R3</p>"


def test_failed_copy_leaves_live_release_alone(tmp_path, data, monkeypatch, capsys):
    dest = tmp_path / "www"
    first = make_site(tmp_path / "site1", data, "R1")
    run(capsys, "--site", str(first), "--data", str(data), "--dest", str(dest))
    live = publish.live_release(dest)

    def disk_full(src, dst, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(shutil, "copyfile", disk_full)
    second = make_site(tmp_path / "site2", data, "R2", asset="assets/app.00000002.js")
    code, _, err = run(capsys, "--site", str(second), "--data", str(data), "--dest", str(dest))
    assert code == 1
    assert err.startswith(f"azx publish: 复制到 {dest}/releases/ 失败(")
    assert err.endswith(f"),线上版本未改变:{live}\n")
    assert publish.list_releases(dest) == [live]
    assert sorted(p.name for p in (dest / "releases").iterdir()) == [live]
    assert live_text(dest) == "<p>R1</p>"


@pytest.mark.parametrize(("path", "hashed"), [
    ("assets/stylesheets/main.57a0d79d.min.css", True),
    ("assets/javascripts/bundle.a5f9d56c.min.js", True),
    ("charts/region-411722-industries-bce057db5c.svg", True),
    ("charts/region-4117A3-trend.svg", False),
    ("assets/javascripts/lunr/min/lunr.zh.min.js", False),
    ("index.html", False),
    ("search/search_index.json", False),
    ("downloads/coverage.csv", False),
])
def test_hashed_asset_names(path, hashed):
    assert publish.is_hashed_asset(path) is hashed


def test_operations_doc_shows_the_tested_nginx_block():
    text = (Path(__file__).parent.parent / "OPERATIONS.md").read_text(encoding="utf-8")
    block = publish.nginx_server_block("/srv/ajx", listen="80", server_name="ajx.example.gov.cn")
    assert block in text
