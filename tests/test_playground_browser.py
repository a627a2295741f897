"""The playground page in a real browser: Playwright driving Debian's chromium against a server on 127.0.0.1.

Opens each of the lecture's four links, checks that the controls show the link's values, plays and watches the
epoch counter rise and the loss fall, edits a weight, changes controls and sees the URL hash follow.  Screenshots
and the measured training speed go to ``$GLASSNET_ARTIFACTS`` (default ``tests/artifacts``).

Skipped when the ``playwright`` package or ``/usr/bin/chromium`` is missing (CI installs both:
``pip install playwright`` and ``apt-get install chromium``; never ``playwright install``).
"""

import contextlib
import importlib.util
import json
import os
import threading
import time
import zipfile
from pathlib import Path

import pytest

from test_playground_state import LECTURE_LINKS as LECTURE
from test_playground_state import LINK_5 as LINK5

CHROMIUM = os.environ.get("GLASSNET_CHROMIUM", "/usr/bin/chromium")
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
pytest.importorskip("uvicorn", reason="pip install 'glassnet[playground]'")
pytest.importorskip("starlette", reason="pip install 'glassnet[playground]'")
if not os.path.exists(CHROMIUM):
    pytest.skip(f"no chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)

from glassnet.playground import server as playground_server  # noqa: E402

ARTIFACTS = Path(os.environ.get("GLASSNET_ARTIFACTS") or Path(__file__).with_name("artifacts"))


@pytest.fixture(scope="module")
def base_url():
    try:
        from threadpoolctl import threadpool_limits

        limits = threadpool_limits(1, user_api="blas")  # as `glassnet playground` runs
    except ImportError:
        limits = contextlib.nullcontext()
    uvicorn_server, sock = playground_server.make_server(0)
    thread = threading.Thread(target=uvicorn_server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not uvicorn_server.started:
        assert time.monotonic() < deadline, "the playground server did not start"
        time.sleep(0.02)
    with limits:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/"
    uvicorn_server.should_exit = True
    thread.join(5)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


def new_page(browser, **options):
    page = browser.new_page(viewport={"width": 1200, "height": 900}, **options)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    return page, errors


@pytest.fixture
def page(browser):
    # bypass_csp: wait_for_function evaluates strings, which the page's Content-Security-Policy forbids.
    page, errors = new_page(browser, bypass_csp=True)
    yield page
    page.close()
    assert not errors, f"the page logged errors: {errors}"


def test_page_runs_under_its_content_security_policy(browser, base_url):
    page, errors = new_page(browser)
    page.goto(f"{base_url}#{LECTURE[3]}")
    expect = sync_api.expect
    expect(page.locator("#loss-train")).to_have_text("0.520")
    page.click("#play-pause-button")
    expect(page.locator("#iter-number")).not_to_have_text("000,000")
    page.click("#play-pause-button")
    page.close()
    assert not errors, f"the page logged errors (a CSP violation?): {errors}"


def epoch(page):
    return int(page.inner_text("#iter-number").replace(",", ""))


def settled_epoch(page):
    """The epoch once the counter has stopped (after a pause, the frames already sent still arrive)."""
    previous = -1
    while True:
        current = epoch(page)
        if current == previous:
            return current
        previous = current
        page.wait_for_timeout(150)


def loss(page, which="train"):
    return float(page.inner_text(f"#loss-{which}"))


def open_link(page, base_url, link):
    page.goto(f"{base_url}#{link}")
    page.wait_for_function("document.querySelector('#loss-train').textContent !== ''")


def hash_of(page):
    return page.evaluate("location.hash.slice(1)")


def save_screenshot(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


@pytest.mark.parametrize("number", [1, 2, 3, 4])
def test_lecture_link(page, base_url, number):
    link = LECTURE[number - 1]
    values = dict(part.split("=", 1) for part in link.split("&"))
    open_link(page, base_url, link)
    # The URL round-trips and the controls show the link's values.
    assert hash_of(page) == link
    for control in ("learningRate", "activation", "regularizationRate", "problem"):
        assert page.input_value(f"#{control}") == values[control]
    assert page.input_value("#regularization") == "none"
    for slider in ("percTrainData", "noise", "batchSize"):
        assert page.input_value(f"#{slider}") == values[slider]
        assert page.inner_text(f"#{slider}-value") == values[slider]
    assert not page.is_checked("#show-test-data") and not page.is_checked("#discretize")
    for feature in ("x", "y", "xSquared", "ySquared", "xTimesY", "sinX", "sinY"):
        inactive = "inactive" in page.get_attribute(f'.node.input[data-node="{feature}"]', "class")
        assert inactive == (values[feature] == "false"), feature
    layers = len(values["networkShape"].split(",")) if values["networkShape"] else 0
    assert page.inner_text("#num-layers") == str(layers)
    assert page.locator("#network-svg .link").count() == {1: 2, 2: 2, 3: 9, 4: 9}[number]
    assert page.locator(".dataset.selected").get_attribute("data-dataset") == "circle"
    assert epoch(page) == 0

    # Play: the epoch counter rises and the loss falls.
    initial_loss = loss(page)
    page.click("#play-pause-button")
    started = time.monotonic()
    page.wait_for_function("parseInt(document.querySelector('#iter-number').textContent.replace(/,/g, '')) >= 40")
    page.wait_for_timeout(500)
    page.click("#play-pause-button")
    elapsed = time.monotonic() - started
    trained = settled_epoch(page)  # frames in flight arrive, then nothing
    assert trained >= 40 and loss(page) < initial_loss
    page.click("#next-step-button")
    shown = page.inner_text("#iter-number")
    page.wait_for_function(f"document.querySelector('#iter-number').textContent !== '{shown}'")
    assert epoch(page) == trained + 1
    save_screenshot(page, f"playground-link{number}.png")

    # Edit a weight through the hover card: the link's width follows (|w| = 3 → 1 + 9·3/5 px).
    page.locator("#network-svg .link-hover").last.click()
    page.fill("#hovercard .hovercard-input", "3")
    page.press("#hovercard .hovercard-input", "Enter")
    page.wait_for_function(
        "parseFloat(Array.from(document.querySelectorAll('#network-svg .link')).pop().style.strokeWidth) > 6.3"
    )
    page.wait_for_function("document.querySelector('#hovercard').innerText.includes('Weight is 3.0')")
    page.mouse.move(5, 5)
    page.wait_for_function("document.querySelector('#hovercard').hidden")

    # Change controls: the hash follows, in the original's format.
    page.select_option("#learningRate", "0.1")
    page.wait_for_function("location.hash.includes('&learningRate=0.1&')")
    assert epoch(page) == trained + 1  # the learning rate does not reset
    page.click('.dataset[data-dataset="xor"]')
    page.wait_for_function("location.hash.includes('&dataset=xor&')")
    assert "seed=0.79237" not in hash_of(page)  # new data, new seed
    page.wait_for_function("document.querySelector('#iter-number').textContent === '000,000'")
    page.click('.node.input[data-node="sinX"]')
    page.wait_for_function("location.hash.includes('&sinX=true&')")
    if number == 4:
        (ARTIFACTS / "playground-speed.json").write_text(
            json.dumps(
                {"link": 4, "epochs": trained, "seconds": round(elapsed, 2), "epochs_per_second": trained / elapsed}
            )
        )


def test_fifth_link_hashchange_and_extras(page, base_url):
    open_link(page, base_url, LECTURE[3])
    page.evaluate(f"location.hash = {json.dumps(LINK5)}")  # editing the URL opens the link
    page.wait_for_function("location.hash.includes('networkShape=8,8,8&')")
    assert page.inner_text("#num-layers") == "3" and page.input_value("#activation") == "relu"
    assert page.inner_text("#noise-value") == "25"
    page.click("#play-pause-button")
    started = time.monotonic()
    page.wait_for_timeout(2000)
    page.click("#play-pause-button")
    rate = epoch(page) / (time.monotonic() - started)
    settled_epoch(page)
    assert rate > 10, f"{rate:.1f} epochs/s while playing"
    # Hovering a neuron shows it in the big heatmap; its box is outlined.
    page.hover('.node[data-node="3"]')
    page.wait_for_function("document.querySelector('.node[data-node=\"3\"]').classList.contains('hovered')")
    # The "more" panel: many classes, accuracy.
    page.click("#more-button")
    page.click('.dataset[data-dataset="blobs"]')
    page.wait_for_function("location.hash.includes('&dataset=blobs&')")
    page.check("#showAccuracy")
    page.wait_for_function("location.hash.includes('showAccuracy=true')")
    page.click("#play-pause-button")
    page.wait_for_function("document.querySelector('#iter-number').textContent >= '000,060'")
    page.click("#play-pause-button")
    settled_epoch(page)
    assert page.inner_text("#accuracy-test").endswith("%") and float(page.inner_text("#accuracy-train")[:-1]) > 50
    save_screenshot(page, "playground-extras.png")
    speed = ARTIFACTS / "playground-speed-link5.json"
    speed.write_text(json.dumps({"link": 5, "epochs_per_second": rate}))


def test_hide_keys_csv_points_and_export(page, base_url, tmp_path):
    open_link(page, base_url, "hideText=true&noise_hide=true&percTrainData_hide=true&xSquared_hide=true&seed=5")
    assert not page.is_visible("#header") and not page.is_visible("#article-text")
    assert not page.is_visible("#noise") and page.is_visible("#batchSize")
    assert not page.is_visible("#loss-test") and page.is_visible("#loss-train")  # the original's quirk (#129)
    assert page.locator('.node[data-node="xSquared"]').count() == 0
    assert hash_of(page).endswith("&noise_hide=true&percTrainData_hide=true&xSquared_hide=true")

    open_link(page, base_url, LECTURE[3])
    page.click("#more-button")
    rows = "\n".join(f"{x:.2f},{y:.2f},{1 if x * y > 0 else -1}" for x in range(-5, 6) for y in (-4.5, -1.5, 2.5, 4))
    page.set_input_files(
        "#csv-file", files=[{"name": "points.csv", "mimeType": "text/csv", "buffer": ("x,y,label\n" + rows).encode()}]
    )
    page.wait_for_function("!document.querySelector('.custom-data-note').hidden")
    assert page.locator("#heatmap-overlay circle").count() == 22  # the training half
    if importlib.util.find_spec("safetensors") is None:
        return  # export needs it
    with page.expect_download() as download:
        page.click("#export-button")
    path = tmp_path / "model.zip"
    download.value.save_as(path)
    assert sorted(zipfile.ZipFile(path).namelist()) == ["model.py", "model.safetensors"]
