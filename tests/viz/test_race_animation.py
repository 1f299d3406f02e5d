"""The race animation with no path: a player a notebook shows inline (every frame embedded,
the page bounded), its figure released from pyplot, and ``save`` writing the file atomically."""

import base64
import io
import os
import re
from pathlib import Path

import numpy as np
import pytest

from kobai.landscape import descend, get_function
from kobai.viz import RaceAnimation, animate_race
from kobai.viz.style import pyplot

FRAME = re.compile(r'frames\[(\d+)\] = "data:image/png;base64,([A-Za-z0-9+/=]+)"')


def race(max_frames: int = 5, steps: int = 8, **kwargs: object) -> RaceAnimation:
    f = get_function("himmelblau")
    return animate_race(f, descend(f, ["sgd", "adam"], steps=steps), max_frames=max_frames,
                        **kwargs)  # fmt: skip


def png(data: str) -> np.ndarray:
    from PIL import Image

    with Image.open(io.BytesIO(base64.b64decode(data))) as image:
        assert image.format == "PNG"
        return np.asarray(image.convert("RGBA"))


def test_without_a_path_the_animation_is_returned_and_its_figure_released(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plt = pyplot()
    plt.close("all")
    monkeypatch.chdir(tmp_path)
    animation = race()
    assert isinstance(animation, RaceAnimation)
    assert plt.get_fignums() == []  # no still picture shown beside the player
    assert list(tmp_path.iterdir()) == []  # nothing written
    assert animation.frames.tolist() == [0, 2, 4, 6, 8]  # 9 points, 5 frames spread over them
    assert repr(animation) == "<RaceAnimation: 5 frames at 12 fps>"
    assert len(animation.figure.axes) == 2


def test_the_player_embeds_every_frame_over_the_still_picture() -> None:
    animation = race(max_frames=5, dpi=40)
    html = animation._repr_html_()
    assert html is animation.to_jshtml()  # drawn once
    frames = FRAME.findall(html)
    assert [int(i) for i, _ in frames] == [0, 1, 2, 3, 4]
    assert "new Array(5)" in html and "new Animation(frames" in html
    assert "anim-slider" in html  # matplotlib's player, its controls
    assert "setInterval" in html or "setTimeout" in html
    # The still picture (contours, axes) is the image's background, once, in full colour; each
    # frame is what moves, on a transparent canvas of the same 440 x 192 pixels.
    still = re.findall(r'style="background: url\(data:image/png;base64,([A-Za-z0-9+/=]+)\)"', html)
    assert len(still) == 1
    background = png(still[0])
    assert background.shape == (192, 440, 4) and background[..., 3].min() == 255
    first, last = png(frames[0][1]), png(frames[-1][1])
    assert first.shape == last.shape == (192, 440, 4)
    drawn_first, drawn_last = (first[..., 3] > 0).mean(), (last[..., 3] > 0).mean()
    assert 0 < drawn_first < drawn_last < 0.2  # the paths grow; the rest is transparent


def test_at_the_defaults_the_page_of_a_long_race_stays_small() -> None:
    f = get_function("rosenbrock")
    runs = descend(f, ["sgd", "momentum", "adagrad", "adam"], steps=300)
    html = animate_race(f, runs).to_jshtml()  # 120 frames of 880 x 384 pixels
    assert len(FRAME.findall(html)) == 120
    assert len(html) < 3 * 2**20  # 1.5 MB measured; whole frames would be 7.8 MB


def test_a_page_past_the_embed_limit_keeps_the_first_frames_and_warns() -> None:
    import matplotlib

    with matplotlib.rc_context({"animation.embed_limit": 0.1}):  # 105 kB
        animation = race(max_frames=40, steps=60, dpi=40)
        with pytest.warns(UserWarning, match=r"embed_limit \(0.1 MB\): it plays the first") as w:
            html = animation.to_jshtml()
    kept = len(FRAME.findall(html))
    assert 0 < kept < 40 and f"new Array({kept})" in html
    assert f"the first {kept} of 40 frames; lower max_frames or dpi" in str(w[0].message)
    assert len(html) < 0.1 * 2**20 + 20_000  # the limit, plus the player's own code


def test_save_writes_the_gif_atomically(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from PIL import Image

    from kobai import files

    animation = race(max_frames=4, steps=6, dpi=40)
    animation.to_jshtml()  # the player first: the file is the same as without it
    renamed: list[tuple[str, str]] = []
    real = os.replace

    def replace(src: str, dst: str) -> None:
        renamed.append((Path(src).name, Path(dst).name))
        real(src, dst)

    monkeypatch.setattr(files.os, "replace", replace)
    target = tmp_path / "out" / "race.gif"
    assert animation.save(target) == target
    assert len(renamed) == 1 and renamed[0][1] == "race.gif"
    assert renamed[0][0].startswith(".race.gif.") and renamed[0][0].endswith(".kobai-tmp.gif")
    assert sorted(p.name for p in target.parent.iterdir()) == ["race.gif"]
    with Image.open(target) as gif:
        assert gif.format == "GIF" and gif.n_frames == 4 and gif.size == (440, 192)
    fresh = race(max_frames=4, steps=6, dpi=40).save(tmp_path / "fresh.gif")
    assert fresh.read_bytes() == target.read_bytes()
    with pytest.raises(ValueError, match=r"must end in .gif or .mp4, got '.html'"):
        animation.save(tmp_path / "race.html")


def test_with_a_path_the_file_is_written_as_before(tmp_path: Path) -> None:
    from PIL import Image

    pyplot().close("all")
    path = race(max_frames=4, steps=6, dpi=40, path=tmp_path / "race.gif")
    assert path == tmp_path / "race.gif" and pyplot().get_fignums() == []
    with Image.open(path) as gif:
        assert gif.n_frames == 4
    positional = animate_race(get_function("bowl"), descend("bowl", ["sgd"], steps=3),
                              tmp_path / "bowl.gif", max_frames=2, dpi=30)  # fmt: skip
    assert positional.is_file()


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [("fps", 0, "fps must be an integer >= 1, got 0"),
     ("max_frames", -1, "max_frames must be an integer >= 1, got -1"),
     ("dpi", 0, "dpi must be an integer >= 1, got 0")],
)  # fmt: skip
def test_bad_options_are_one_clear_line(option: str, value: int, message: str) -> None:
    with pytest.raises(ValueError, match=f"^{message}$"):
        race(**{option: value})


def test_at_an_odd_dpi_the_frames_and_the_still_picture_keep_one_size() -> None:
    # 11 x 4.8 inches at 41 dpi is 451 x 196.8 pixels: the player rounds it to even pixels
    # before anything is drawn, so every frame lies exactly over the still picture.
    html = race(max_frames=3, dpi=41).to_jshtml()
    pictures = re.findall(r"base64,([A-Za-z0-9+/=]+)", html)
    assert len(pictures) == 4
    assert {png(data).shape for data in pictures} == {(196, 450, 4)}
