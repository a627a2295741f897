"""Lesson 10: image kernels, and cross-correlation vs convolution.

Slides: "Convolutions on larger images", "Kernel slides across image", "This
is called box filter", "Box filters", "Highpass Kernel", "Identity Kernel",
"Sharpen Kernel" (sharpen = highpass + identity), "Sobel Kernels" and
"Cross-Correlation vs Convolution".

A kernel slides across the image; each output pixel is the weighted sum of
the pixels under it.  ``glassnet.nn.functional.conv2d`` does exactly that
(padding keeps the size).  The kernels are those of the slides: the 7×7 box
filter (every weight 1/49) blurs, highpass finds edges, identity does
nothing, sharpen adds the edges back onto the image, and the Sobel kernels
measure the horizontal and vertical change, whose combination
√(gx² + gy²) is the size of the image gradient.

What conv2d computes is, strictly, *cross-correlation*: kernel entry a meets
pixel r, b meets s, …  A true *convolution* flips the kernel first (a meets z).
For a symmetric kernel (box, highpass) the two agree; for an asymmetric one
(Sobel) they differ (here: the sign flips).  Deep learning uses
cross-correlation and calls it convolution: the weights are learned, so
flipped or not makes no difference.

The photograph is the one matplotlib ships (Grace Hopper, loaded offline from
matplotlib's sample data); the digit comes from MNIST.

Run it: ``glassnet lesson kernels --out lesson-figures``
"""

import numpy as np

import glassnet
from glassnet.nn import functional as F

from .common import figure, figures_wanted, mnist, save, written

TITLE = "Image kernels on a photograph and a digit: box, highpass, identity, sharpen, Sobel; correlation vs convolution"

KERNELS = {
    "box 7×7 (1/49)": np.full((7, 7), 1 / 49),
    "highpass": np.array([[0, -1, 0], [-1, 4, -1], [0, -1, 0]]),
    "identity": np.array([[0, 0, 0], [0, 1, 0], [0, 0, 0]]),
    "sharpen": np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]]),
    "Sobel x": np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]),
    "Sobel y": np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]]),
}


def filter_image(image, kernel):
    """Slide ``kernel`` across the grey ``image`` (H, W): conv2d, zero padding to keep the size."""
    x = glassnet.tensor(image[None, None], dtype=glassnet.float32)  # (N=1, C=1, H, W)
    w = glassnet.tensor(kernel[None, None], dtype=glassnet.float32)  # (out=1, in=1, kH, kW)
    return F.conv2d(x, w, padding=kernel.shape[0] // 2).numpy()[0, 0]


def convolve(image, kernel):
    """A true convolution: cross-correlation with the kernel flipped upside down and left to right."""
    return filter_image(image, kernel[::-1, ::-1])


def photograph(shrink=1):
    """The grey photograph in [0, 1] that matplotlib ships, or None without matplotlib."""
    try:
        from matplotlib import cbook, image
    except ImportError:
        return None
    with cbook.get_sample_data("grace_hopper.jpg") as file:
        rgb = image.imread(file)[::shrink, ::shrink] / 255.0
    return rgb @ np.array([0.299, 0.587, 0.114])  # luminance


def largest_difference(a, b):
    return float(np.abs(a - b).max())


def apply_all(image):
    """Every kernel of the slides on ``image``, plus the gradient magnitude from the two Sobel kernels."""
    out = {"original": image}
    out.update({name: filter_image(image, kernel) for name, kernel in KERNELS.items()})
    out["gradient magnitude"] = np.sqrt(out["Sobel x"] ** 2 + out["Sobel y"] ** 2)
    return out


def run(out_dir=None, quick=False):
    """Print the kernels and the two checks; draw every filtered image into ``out_dir`` if given."""
    images = {}
    photo = photograph(shrink=2 if quick else 1)
    if photo is not None:
        images["photograph"] = photo
    else:
        print("(matplotlib is not installed, so there is no photograph: the lesson uses the MNIST digit)")
    digits, _ = mnist(train=False)
    images["MNIST digit"] = digits[0] / 255.0
    print("The kernels of the slides:")
    for name, kernel in KERNELS.items():
        rows = "\n".join("    " + " ".join(f"{v:5.2g}" for v in row) for row in kernel)
        print(f"  {name}:\n{rows}" if kernel.shape[0] <= 3 else f"  {name}: a 7×7 kernel of 1/49 = {kernel[0, 0]:.4f}")

    results, checks = {}, {}
    for name, image in images.items():
        out = results[name] = apply_all(image)
        sobel, box = "Sobel x", "box 7×7 (1/49)"
        checks[name] = {
            "sharpen vs highpass + identity": largest_difference(out["sharpen"], out["highpass"] + out["identity"]),
            "convolution vs cross-correlation, Sobel x": largest_difference(
                convolve(image, KERNELS[sobel]), out[sobel]
            ),
            "convolution vs cross-correlation, box": largest_difference(convolve(image, KERNELS[box]), out[box]),
        }
        print(f"{name} ({image.shape[0]}×{image.shape[1]}): largest difference of")
        for check, gap in checks[name].items():
            print(f"  {check:<42} {gap:.2g}")
    print("  sharpen = highpass + identity; a flip changes Sobel x (asymmetric) but not the box (symmetric)")

    print("Cross-correlation vs convolution on one 3×3 patch: kernel a..i = 1..9, pixels r..z = 1..9")
    kernel, patch = np.arange(1, 10).reshape(3, 3), np.arange(1, 10).reshape(3, 3)
    correlation = int((kernel * patch).sum())
    convolution = int((kernel[::-1, ::-1] * patch).sum())
    print(f"  cross-correlation q = a·r + b·s + … + i·z = {correlation}")
    print(f"  convolution       q = i·r + h·s + … + a·z = {convolution}")

    figures = []
    if figures_wanted(out_dir):
        figures = written(
            *(draw_filtered(name, result, out_dir) for name, result in results.items()),
            draw_correlation_vs_convolution(images[next(iter(images))], out_dir),
        )
    return {
        "checks": checks,
        "patch": {"cross-correlation": correlation, "convolution": convolution},
        "images": list(images),
        "figures": figures,
    }


def draw_filtered(name, result, out_dir):
    fig = figure(12, 6.4 if name == "photograph" else 6)
    for ax, (kernel_name, image) in zip(fig.subplots(2, 4).ravel(), result.items()):
        draw_image(
            ax,
            image,
            signed=kernel_name.startswith("Sobel") or kernel_name == "highpass",
            brightness=kernel_name != "gradient magnitude",
        )
        ax.set_title(kernel_name)
    fig.suptitle(f"Kernels on the {name}")
    return save(fig, out_dir, f"kernels_{name.split()[-1].lower()}.png")


def draw_correlation_vs_convolution(image, out_dir):
    fig = figure(12, 3.9)
    panels = {
        "Sobel x, cross-correlation": filter_image(image, KERNELS["Sobel x"]),
        "Sobel x, convolution (flipped)": convolve(image, KERNELS["Sobel x"]),
        "box, cross-correlation": filter_image(image, KERNELS["box 7×7 (1/49)"]),
        "box, convolution: the same": convolve(image, KERNELS["box 7×7 (1/49)"]),
    }
    for ax, (title, panel) in zip(fig.subplots(1, 4), panels.items()):
        draw_image(ax, panel, signed=title.startswith("Sobel"))
        ax.set_title(title, fontsize=11)
    return save(fig, out_dir, "kernels_correlation_vs_convolution.png")


def draw_image(ax, image, signed=False, brightness=True):
    """Draw ``image`` in grey: a brightness in [0, 1], or signed values with 0 as mid-grey, or scaled to its range."""
    if signed:  # the strongest 0.5 % of the values saturate, so the faint edges stay visible
        limit = np.percentile(np.abs(image), 99.5)
        ax.imshow(image, cmap="gray", vmin=-limit, vmax=limit)
    elif brightness:
        ax.imshow(image, cmap="gray", vmin=0, vmax=1)
    else:
        ax.imshow(image, cmap="gray", vmin=0, vmax=np.percentile(image, 99.5))
    ax.axis("off")
