#!/usr/bin/env python3
"""Draws biopage's example-site images and the placeholders embedded by `biopage init`.

Flat, illustrated artwork (no photos, no text) made with Pillow only, so the
images carry no third-party rights. Output is deterministic (fixed seeds).

How to run, from the repository root:

    pip install pillow
    python3 scripts/make_example_images.py            # everything
    python3 scripts/make_example_images.py --only serum-b5 avatar   # a few

Writes:
    example-site/images/avatar.jpg           512x512  (creator "Linh Nguyễn")
    example-site/images/<product>.jpg        600x600  (twelve products)
    src/assets/placeholder-avatar.png        256x256
    src/assets/placeholder-product.png       400x400
"""

import argparse
import math
import random
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
SITE_IMAGES = ROOT / "example-site" / "images"
ASSETS = ROOT / "src" / "assets"

SS = 3  # supersampling factor: draw big, shrink with LANCZOS for smooth edges


# ---------------------------------------------------------------- colours


def hexc(s):
    s = s.lstrip("#")
    return tuple(int(s[i : i + 2], 16) for i in (0, 2, 4))


def mix(a, b, t):
    return tuple(int(round(a[i] + (b[i] - a[i]) * t)) for i in range(3))


def lighten(c, t):
    return mix(c, (255, 255, 255), t)


def darken(c, t):
    return mix(c, (0, 0, 0), t)


def lerp_stops(stops, t):
    """stops: [(t, rgb), ...] sorted by t."""
    if t <= stops[0][0]:
        return stops[0][1]
    for (t0, c0), (t1, c1) in zip(stops, stops[1:]):
        if t <= t1:
            return mix(c0, c1, (t - t0) / (t1 - t0) if t1 > t0 else 0)
    return stops[-1][1]


def cyl(c, hi=0.38, lo=0.22):
    """Colour stops that make a flat colour read as a lit cylinder."""
    return [
        (0.0, darken(c, lo * 0.5)),
        (0.1, lighten(c, hi * 0.45)),
        (0.24, lighten(c, hi)),
        (0.36, lighten(c, hi * 0.35)),
        (0.72, c),
        (1.0, darken(c, lo)),
    ]


def metal(c):
    """Brighter, more contrasted stops for gold / chrome parts."""
    return [
        (0.0, darken(c, 0.25)),
        (0.15, lighten(c, 0.55)),
        (0.3, lighten(c, 0.2)),
        (0.55, c),
        (0.8, darken(c, 0.18)),
        (0.92, lighten(c, 0.15)),
        (1.0, darken(c, 0.3)),
    ]


# ---------------------------------------------------------------- canvas


class Canvas:
    """A supersampled drawing surface; all coordinates are in output pixels."""

    def __init__(self, size, ss=SS):
        self.size = size
        self.ss = ss
        self.W = size * ss
        self.img = Image.new("RGBA", (self.W, self.W), (0, 0, 0, 0))
        self.target = self.img

    # -- objects: drawn on their own layer so they can cast a shadow
    def begin(self):
        self.target = self.layer()
        return self.target

    def end(self, floor_y=None, cx=None, half_w=None, tint=(0, 0, 0), strength=1.0, dx=16, dy=10):
        obj, self.target = self.target, self.img
        if floor_y is not None:
            self.shadow(self.m_ellipse((cx - half_w, floor_y - 14, cx + half_w, floor_y + 14)), 0, 2, 9, tint, 0.45 * strength)
        self.shadow(alpha_of(obj), dx, dy, 18, tint, 0.22 * strength)
        self.img.alpha_composite(obj)
        return obj

    # -- helpers for coordinates
    def p(self, v):
        return v * self.ss

    def box(self, b):
        return [round(v * self.ss) for v in b]

    def pts(self, pts):
        return [(x * self.ss, y * self.ss) for x, y in pts]

    # -- masks (mode "L", full size)
    def blank(self):
        return Image.new("L", (self.W, self.W), 0)

    def m_rect(self, b, r=0):
        m = self.blank()
        d = ImageDraw.Draw(m)
        if r:
            d.rounded_rectangle(self.box(b), radius=round(r * self.ss), fill=255)
        else:
            d.rectangle(self.box(b), fill=255)
        return m

    def m_ellipse(self, b):
        m = self.blank()
        ImageDraw.Draw(m).ellipse(self.box(b), fill=255)
        return m

    def m_circle(self, cx, cy, r):
        return self.m_ellipse((cx - r, cy - r, cx + r, cy + r))

    def m_poly(self, pts):
        m = self.blank()
        ImageDraw.Draw(m).polygon(self.pts(pts), fill=255)
        return m

    def m_line(self, pts, width, joint="curve"):
        m = self.blank()
        d = ImageDraw.Draw(m)
        w = round(width * self.ss)
        d.line(self.pts(pts), fill=255, width=w, joint=joint)
        r = w / 2
        for x, y in (self.pts(pts)[0], self.pts(pts)[-1]):
            d.ellipse((x - r, y - r, x + r, y + r), fill=255)
        return m

    def m_arc(self, b, start, end, width):
        m = self.blank()
        ImageDraw.Draw(m).arc(self.box(b), start, end, fill=255, width=round(width * self.ss))
        return m

    # -- paints (full-size RGB images)
    def hgrad(self, b, stops):
        return self._grad(b, stops, horizontal=True)

    def vgrad(self, b, stops):
        return self._grad(b, stops, horizontal=False)

    def _grad(self, b, stops, horizontal):
        """Gradient across box `b` (only its x range, or y range, matters); flat beyond it."""
        x0, y0, x1, y1 = self.box(b)
        lo, hi = (x0, x1) if horizontal else (y0, y1)
        n = max(1, hi - lo)
        strip = Image.new("RGB", (n, 1) if horizontal else (1, n))
        strip.putdata([lerp_stops(stops, i / max(1, n - 1)) for i in range(n)])
        full = Image.new("RGB", (self.W, self.W), stops[0][1])
        if horizontal:
            full.paste(strip.resize((n, self.W), Image.NEAREST), (lo, 0))
            full.paste(stops[-1][1], (hi, 0, self.W, self.W))
        else:
            full.paste(strip.resize((self.W, n), Image.NEAREST), (0, lo))
            full.paste(stops[-1][1], (0, hi, self.W, self.W))
        return full

    # -- drawing
    def fill(self, mask, paint, alpha=1.0, layer=None):
        """Composite `paint` (rgb tuple or full-size image) through `mask`."""
        layer = layer if layer is not None else self.target
        if isinstance(paint, tuple):
            src = Image.new("RGBA", (self.W, self.W), paint[:3] + (255,))
        else:
            src = paint.convert("RGBA")
        a = mask if alpha >= 1 else mask.point(lambda v: int(v * alpha))
        src.putalpha(a)
        layer.alpha_composite(src)

    def layer(self):
        return Image.new("RGBA", (self.W, self.W), (0, 0, 0, 0))

    def put(self, layer):
        self.img.alpha_composite(layer)

    def shadow(self, mask, dx, dy, blur, color, opacity, layer=None):
        """Soft shadow of `mask`, offset by (dx, dy) and blurred."""
        k = 3  # blur at reduced resolution: much faster, same look
        small = mask.resize((self.W // k, self.W // k), Image.BILINEAR)
        moved = Image.new("L", small.size, 0)
        moved.paste(small, (round(dx * self.ss / k), round(dy * self.ss / k)))
        moved = moved.filter(ImageFilter.GaussianBlur(blur * self.ss / k))
        moved = moved.resize((self.W, self.W), Image.BILINEAR)
        self.fill(moved, color, opacity, layer)

    def glow(self, cx, cy, r, color, opacity, blur=None):
        self.shadow(self.m_circle(cx, cy, r), 0, 0, blur or r * 0.5, color, opacity)

    def rotated(self, layer, angle, cx, cy, dx=0, dy=0):
        """Rotate a full-size layer by `angle` degrees (counter-clockwise) about (cx, cy), then move it."""
        return layer.rotate(
            angle, resample=Image.BICUBIC, center=(cx * self.ss, cy * self.ss), translate=(dx * self.ss, dy * self.ss)
        )

    def result(self):
        return self.img.resize((self.size, self.size), Image.LANCZOS)


def union(*ms):
    out = ms[0]
    for m in ms[1:]:
        out = ImageChops.lighter(out, m)
    return out


def minus(a, b):
    return ImageChops.subtract(a, b)


def inter(a, b):
    return ImageChops.multiply(a, b)


def alpha_of(layer):
    return layer.getchannel("A")


def bezier(p0, p1, p2, p3, n=32):
    out = []
    for i in range(n + 1):
        t = i / n
        u = 1 - t
        out.append(
            (
                u**3 * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t**3 * p3[0],
                u**3 * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t**3 * p3[1],
            )
        )
    return out


# ---------------------------------------------------------------- scenery


def background(cv, c1, c2, angle=35, glow_at=(0.22, 0.18), glow_color=(255, 255, 255)):
    """Diagonal pastel gradient with a soft light glow."""
    n = 64
    g = Image.new("RGB", (n, n))
    ca, sa = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    lo = min(0, ca) + min(0, sa)
    hi = max(0, ca) + max(0, sa)
    data = []
    for y in range(n):
        for x in range(n):
            t = ((x / (n - 1)) * ca + (y / (n - 1)) * sa - lo) / (hi - lo)
            t = t * t * (3 - 2 * t)
            data.append(mix(c1, c2, t))
    g.putdata(data)
    g = g.resize((cv.W, cv.W), Image.BICUBIC)
    cv.img.paste(g.convert("RGBA"), (0, 0))
    s = cv.size
    cv.glow(glow_at[0] * s, glow_at[1] * s, s * 0.32, glow_color, 0.45)


def podium(cv, cx, top, rx, ry, height, color):
    """A round display plinth; `top` is the y of its top face's centre."""
    side = union(
        cv.m_rect((cx - rx, top, cx + rx, top + height)),
        cv.m_ellipse((cx - rx, top + height - ry, cx + rx, top + height + ry)),
    )
    cv.shadow(side, 0, 14, 22, darken(color, 0.35), 0.22)
    cv.fill(side, cv.hgrad((cx - rx, 0, cx + rx, 1), cyl(darken(color, 0.04), hi=0.25, lo=0.12)))
    cv.fill(cv.m_ellipse((cx - rx, top - ry, cx + rx, top + ry)), lighten(color, 0.35))


def arch(cv, b, color, opacity=1.0):
    x0, y0, x1, y1 = b
    r = (x1 - x0) / 2
    cv.fill(union(cv.m_ellipse((x0, y0, x1, y0 + 2 * r)), cv.m_rect((x0, y0 + r, x1, y1))), color, opacity)


def sparkle(cv, cx, cy, r, color, opacity=1.0):
    pts = []
    for i in range(72):
        t = 2 * math.pi * i / 72
        pts.append((cx + r * math.cos(t) ** 3, cy + r * math.sin(t) ** 3))
    cv.fill(cv.m_poly(pts), color, opacity)


def leaf(cv, x0, y0, x1, y1, width, color, vein=None):
    """A leaf from (x0, y0) to (x1, y1)."""
    dx, dy = x1 - x0, y1 - y0
    ln = math.hypot(dx, dy)
    nx, ny = -dy / ln * width, dx / ln * width
    a = bezier((x0, y0), (x0 + dx * 0.3 + nx, y0 + dy * 0.3 + ny), (x0 + dx * 0.75 + nx, y0 + dy * 0.75 + ny), (x1, y1))
    b = bezier((x1, y1), (x0 + dx * 0.75 - nx, y0 + dy * 0.75 - ny), (x0 + dx * 0.3 - nx, y0 + dy * 0.3 - ny), (x0, y0))
    m = cv.m_poly(a + b)
    cv.fill(m, cv.hgrad((min(x0, x1) - width, 0, max(x0, x1) + width, 1), [(0, lighten(color, 0.15)), (1, darken(color, 0.12))]))
    if vein:
        cv.fill(inter(cv.m_line([(x0, y0), (x0 + dx * 0.85, y0 + dy * 0.85)], 2.2), m), vein, 0.7)


def bubble(cv, cx, cy, r, color=(255, 255, 255)):
    cv.fill(cv.m_circle(cx, cy, r), color, 0.35)
    cv.fill(minus(cv.m_circle(cx, cy, r), cv.m_circle(cx, cy, r - max(1.6, r * 0.12))), color, 0.8)
    cv.fill(cv.m_ellipse((cx - r * 0.55, cy - r * 0.6, cx - r * 0.1, cy - r * 0.25)), color, 0.9)


def label_lines(cv, x, y, widths, color, h=7, gap=8, opacity=0.55, center=None):
    """Abstract 'text' bars on a label (no real text)."""
    for i, w in enumerate(widths):
        lx = center - w / 2 if center is not None else x
        cv.fill(cv.m_rect((lx, y + i * (h + gap), lx + w, y + i * (h + gap) + h), r=h / 2), color, opacity)


def gloss(cv, b, opacity=0.55, r=None):
    """A vertical specular highlight strip."""
    x0, y0, x1, y1 = b
    cv.fill(cv.m_rect(b, r=r if r is not None else (x1 - x0) / 2), (255, 255, 255), opacity)


# ---------------------------------------------------------------- products


def serum_b5(cv, rng):
    bg1, bg2 = hexc("#FDE4EC"), hexc("#DDE8FF")
    background(cv, bg1, bg2)
    cv.fill(cv.m_circle(300, 290, 205), lighten(bg2, 0.45), 0.9)
    podium(cv, 300, 478, 170, 34, 62, hexc("#C9D8FB"))
    for (x, y, r) in [(120, 130, 18), (485, 170, 12), (470, 420, 9), (130, 360, 10)]:
        sparkle(cv, x, y, r, (255, 255, 255), 0.95)
    # floating drop
    drop = cv.m_poly(bezier((470, 250), (490, 285), (505, 300), (505, 318), 20) + bezier((505, 318), (505, 345), (435, 345), (435, 318), 20) + bezier((435, 318), (435, 300), (450, 285), (470, 250), 20))
    cv.fill(drop, cv.hgrad((435, 0, 505, 1), cyl(hexc("#7FA6F5"), hi=0.45)))
    cv.fill(cv.m_ellipse((448, 300, 460, 322)), (255, 255, 255), 0.8)

    cv.begin()
    glass = hexc("#3F6FD8")
    cv.fill(cv.m_rect((268, 222, 332, 262), r=6), cv.hgrad((268, 0, 332, 1), cyl(darken(glass, 0.1))))
    cv.fill(cv.m_rect((218, 250, 382, 484), r=44), cv.hgrad((218, 0, 382, 1), cyl(glass, hi=0.35)))
    # collar + rubber bulb
    collar = cv.m_rect((252, 168, 348, 232), r=10)
    cv.fill(collar, cv.hgrad((252, 0, 348, 1), metal(hexc("#E8EDF7"))))
    for y in (184, 200, 216):
        cv.fill(inter(cv.m_rect((252, y, 348, y + 3)), collar), hexc("#B7C1D6"), 0.7)
    bulb = cv.m_rect((270, 78, 330, 178), r=30)
    cv.fill(bulb, cv.hgrad((270, 0, 330, 1), cyl(hexc("#F2F5FC"), hi=0.5, lo=0.16)))
    # label
    lab = cv.m_rect((240, 326, 360, 436), r=12)
    cv.fill(lab, (250, 250, 255))
    cv.fill(cv.m_rect((252, 338, 348, 344), r=3), hexc("#2D4FA8"), 0.8)
    cv.fill(cv.m_circle(300, 380, 15), hexc("#7FA6F5"))
    label_lines(cv, 0, 406, [70, 44], hexc("#2D4FA8"), h=6, gap=7, center=300, opacity=0.5)
    gloss(cv, (234, 272, 249, 458), 0.45)
    gloss(cv, (281, 92, 291, 160), 0.75)
    cv.end(484, 300, 92, darken(hexc("#C9D8FB"), 0.45))


def sunscreen(cv, rng):
    bg1, bg2 = hexc("#D5EEFF"), hexc("#FFF4D2")
    background(cv, bg1, bg2, angle=60)
    cv.glow(492, 108, 90, hexc("#FFE08A"), 0.55)
    cv.fill(cv.m_circle(492, 108, 52), hexc("#FFD66E"))
    cv.fill(cv.m_circle(492, 108, 38), hexc("#FFE29A"))
    arch(cv, (170, 96, 430, 620), (255, 255, 255), 0.45)
    leaf(cv, 150, 520, 70, 330, 38, hexc("#6CC59A"), vein=hexc("#4FA57D"))
    leaf(cv, 165, 525, 165, 350, 30, hexc("#84D3AB"), vein=hexc("#5DB58A"))
    leaf(cv, 470, 530, 545, 390, 32, hexc("#6CC59A"), vein=hexc("#4FA57D"))
    cv.fill(cv.m_ellipse((60, 468, 540, 660)), hexc("#F7E3BE"), 0.7)

    cv.begin()
    tube = hexc("#FFB23F")
    left = bezier((258, 404), (250, 300), (200, 210), (198, 130), 24)
    right = bezier((402, 130), (400, 210), (350, 300), (342, 404), 24)
    body = cv.m_poly(left + right)
    cv.fill(body, cv.hgrad((198, 0, 402, 1), cyl(tube, hi=0.32)))
    # wave band near the bottom of the tube
    wave = cv.m_poly(bezier((190, 330), (250, 300), (330, 360), (410, 320), 24) + [(410, 420), (190, 420)])
    cv.fill(inter(wave, body), hexc("#FF8A3D"), 0.9)
    seal = cv.m_rect((192, 104, 408, 136), r=6)
    cv.fill(seal, cv.hgrad((192, 0, 408, 1), cyl(darken(tube, 0.03), hi=0.3)))
    for x in range(198, 404, 8):
        cv.fill(inter(cv.m_rect((x, 106, x + 2, 134)), seal), darken(tube, 0.25), 0.35)
    cap = cv.m_rect((250, 398, 350, 480), r=14)
    cv.fill(cap, cv.hgrad((250, 0, 350, 1), cyl(hexc("#FFF6E8"), hi=0.4, lo=0.14)))
    cv.fill(cv.m_rect((250, 418, 350, 422)), hexc("#E6D8C2"), 0.9)
    # sun emblem
    cx, cy = 300, 222
    for i in range(8):
        a = math.radians(i * 45)
        cv.fill(cv.m_line([(cx + 34 * math.cos(a), cy + 34 * math.sin(a)), (cx + 46 * math.cos(a), cy + 46 * math.sin(a))], 7), (255, 255, 255))
    cv.fill(cv.m_circle(cx, cy, 24), (255, 255, 255))
    label_lines(cv, 0, 282, [92, 60], (255, 255, 255), h=7, gap=9, center=300, opacity=0.85)
    cv.fill(cv.m_line(bezier((222, 150), (224, 210), (262, 300), (268, 380), 16), 9), (255, 255, 255), 0.45)
    cv.end(480, 300, 70, darken(hexc("#F7E3BE"), 0.45))


def lipstick(cv, rng):
    bg1, bg2 = hexc("#FFE1E7"), hexc("#FFF1E2")
    background(cv, bg1, bg2)
    swatch = bezier((70, 250), (180, 150), (380, 330), (530, 190), 40)
    cv.fill(cv.m_line(swatch, 54), hexc("#F08A9C"), 0.35)
    cv.fill(cv.m_line(swatch[4:-6], 20), (255, 255, 255), 0.25)
    podium(cv, 300, 474, 190, 36, 62, hexc("#F6C3CD"))
    for (x, y, r) in [(110, 110, 15), (500, 110, 11), (520, 330, 14), (90, 390, 9)]:
        sparkle(cv, x, y, r, (255, 255, 255))

    cv.begin()
    gold = hexc("#E3B868")
    rose = hexc("#F0B3A8")
    red = hexc("#D93451")
    # bullet
    bullet = cv.m_poly([(229, 250), (229, 172)] + bezier((229, 172), (235, 160), (262, 128), (271, 122), 12) + [(271, 250)])
    cv.fill(bullet, cv.hgrad((229, 0, 271, 1), cyl(red, hi=0.35)))
    cv.fill(cv.m_line([(237, 176), (237, 238)], 5), (255, 255, 255), 0.45)
    sleeve = cv.m_rect((220, 236, 280, 300), r=4)
    cv.fill(sleeve, cv.hgrad((220, 0, 280, 1), metal(gold)))
    cv.fill(cv.m_rect((206, 292, 294, 308), r=4), cv.hgrad((206, 0, 294, 1), metal(gold)))
    base = cv.m_rect((210, 306, 290, 478), r=10)
    cv.fill(base, cv.hgrad((210, 0, 290, 1), cyl(rose, hi=0.4)))
    cv.fill(cv.m_rect((210, 452, 290, 458)), darken(rose, 0.12), 0.5)
    # cap
    capm = cv.m_rect((348, 262, 432, 478), r=12)
    cv.fill(capm, cv.hgrad((348, 0, 432, 1), cyl(rose, hi=0.4)))
    cv.fill(cv.m_rect((348, 448, 432, 460)), cv.hgrad((348, 0, 432, 1), metal(gold)))
    cv.fill(cv.m_rect((362, 282, 372, 432), r=5), (255, 255, 255), 0.4)
    cv.end(478, 320, 140, darken(hexc("#F6C3CD"), 0.4))


def cleanser(cv, rng):
    bg1, bg2 = hexc("#D3F4EC"), hexc("#E9F0FF")
    background(cv, bg1, bg2, angle=120, glow_at=(0.75, 0.2))
    podium(cv, 300, 480, 175, 34, 60, hexc("#B9E7D9"))
    for (x, y, r) in [(110, 150, 34), (150, 240, 16), (480, 120, 22), (500, 300, 40), (95, 420, 22), (460, 420, 12), (180, 90, 10)]:
        bubble(cv, x, y, r)

    cv.begin()
    white = hexc("#FBFCFD")
    teal = hexc("#52C4A8")
    cv.fill(cv.m_rect((292, 136, 308, 196)), cv.hgrad((292, 0, 308, 1), metal(hexc("#DDE3E6"))))
    head = union(cv.m_rect((252, 108, 348, 146), r=12), cv.m_rect((188, 114, 262, 132), r=8), cv.m_rect((188, 114, 200, 144), r=5))
    cv.fill(head, cv.hgrad((188, 0, 348, 1), cyl(white, hi=0.4, lo=0.16)))
    cv.fill(cv.m_rect((262, 184, 338, 222), r=8), cv.hgrad((262, 0, 338, 1), cyl(white, hi=0.4, lo=0.16)))
    for y in (194, 204):
        cv.fill(cv.m_rect((262, y, 338, y + 2)), hexc("#D3DADF"))
    body = union(cv.m_rect((244, 210, 356, 262), r=22), cv.m_rect((212, 236, 388, 484), r=36))
    cv.fill(body, cv.hgrad((212, 0, 388, 1), cyl(teal, hi=0.35)))
    lab = cv.m_rect((234, 312, 366, 440), r=14)
    cv.fill(lab, white)
    leaf(cv, 300, 372, 322, 334, 12, hexc("#52C4A8"))
    leaf(cv, 298, 372, 276, 342, 10, hexc("#8ADBC4"))
    label_lines(cv, 0, 390, [84, 56], darken(teal, 0.25), h=6, gap=8, center=300, opacity=0.5)
    gloss(cv, (226, 258, 240, 462), 0.45)
    gloss(cv, (268, 114, 300, 122), 0.6, r=4)
    cv.end(484, 300, 96, darken(hexc("#B9E7D9"), 0.45))


def toner(cv, rng):
    bg1, bg2 = hexc("#FFE9DA"), hexc("#FFD9E3")
    background(cv, bg1, bg2, angle=70)
    arch(cv, (160, 80, 440, 620), (255, 246, 240), 0.75)
    podium(cv, 300, 484, 150, 30, 60, hexc("#F8C9BC"))
    petal = hexc("#F7A9B9")
    for (x, y, a, s) in [(110, 170, 30, 1.0), (490, 210, 120, 0.8), (120, 420, 200, 0.7), (480, 470, 280, 1.1), (505, 95, 60, 0.6)]:
        dx, dy = math.cos(math.radians(a)) * 36 * s, math.sin(math.radians(a)) * 36 * s
        leaf(cv, x - dx, y - dy, x + dx, y + dy, 22 * s, petal)

    cv.begin()
    liquid = hexc("#F49AB0")
    outer = union(cv.m_rect((268, 150, 332, 190), r=8), cv.m_rect((238, 170, 362, 486), r=26))
    cv.fill(outer, (255, 255, 255), 0.5)
    inner = cv.m_rect((244, 228, 356, 480), r=20)
    cv.fill(inner, cv.hgrad((244, 0, 356, 1), cyl(liquid, hi=0.3)), 0.92)
    cv.fill(cv.m_rect((244, 224, 356, 234), r=5), lighten(liquid, 0.45))
    ring = minus(outer, union(cv.m_rect((273, 154, 327, 192), r=6), cv.m_rect((243, 175, 357, 481), r=22)))
    cv.fill(ring, (255, 255, 255), 0.7)
    cap = cv.m_rect((258, 78, 342, 158), r=10)
    cv.fill(cap, cv.hgrad((258, 0, 342, 1), metal(hexc("#EDB9A6"))))
    cv.fill(cv.m_rect((258, 148, 342, 156)), darken(hexc("#EDB9A6"), 0.2), 0.6)
    lab = cv.m_rect((258, 300, 342, 410), r=10)
    cv.fill(lab, (255, 250, 248), 0.95)
    cv.fill(cv.m_circle(300, 334, 13), liquid, 0.85)
    label_lines(cv, 0, 362, [56, 36], darken(liquid, 0.35), h=5, gap=7, center=300, opacity=0.55)
    gloss(cv, (250, 190, 262, 462), 0.55)
    cv.end(486, 300, 72, darken(hexc("#F8C9BC"), 0.45))


def sheet_mask(cv, rng):
    bg1, bg2 = hexc("#F1F8D6"), hexc("#D8F1E4")
    background(cv, bg1, bg2, angle=20)
    cv.fill(cv.m_circle(300, 300, 220), (255, 255, 255), 0.35)
    green = hexc("#7CCB8E")
    for (x0, y0, x1, y1, w) in [(70, 170, 160, 80, 30), (80, 470, 170, 540, 26), (470, 90, 550, 180, 28), (450, 520, 555, 430, 34), (500, 300, 560, 250, 18)]:
        leaf(cv, x0, y0, x1, y1, w, green, vein=darken(green, 0.2))

    cv.begin()
    base = hexc("#69C08A")
    pouch = cv.m_rect((180, 96, 420, 504), r=8)
    for x in range(180, 420, 12):
        pouch = minus(pouch, cv.m_poly([(x, 95), (x + 12, 95), (x + 6, 102)]))
        pouch = minus(pouch, cv.m_poly([(x, 505), (x + 12, 505), (x + 6, 498)]))
    pouch = minus(pouch, cv.m_poly([(179, 132), (190, 140), (179, 148)]))
    cv.fill(pouch, cv.hgrad((180, 0, 420, 1), [(0, lighten(base, 0.28)), (0.25, lighten(base, 0.38)), (0.7, base), (1, darken(base, 0.1))]))
    for y0 in (96, 474):
        band = inter(pouch, cv.m_rect((180, y0, 420, y0 + 30)))
        cv.fill(band, darken(base, 0.1), 0.6)
        for x in range(186, 420, 7):
            cv.fill(inter(band, cv.m_rect((x, y0, x + 2, y0 + 30))), darken(base, 0.3), 0.35)
    # white window with a face-mask drawing
    win = cv.m_rect((212, 150, 388, 372), r=18)
    cv.fill(win, (246, 252, 247), 0.95)
    face = cv.m_ellipse((245, 168, 355, 344))
    for hole in (cv.m_ellipse((258, 228, 290, 244)), cv.m_ellipse((310, 228, 342, 244)), cv.m_ellipse((282, 298, 318, 312)), cv.m_rect((295, 256, 305, 282), r=5)):
        face = minus(face, hole)
    cv.fill(face, cv.vgrad((0, 168, 1, 344), [(0, hexc("#DDF2E4")), (1, hexc("#BFE6CC"))]))
    cv.fill(cv.m_ellipse((254, 262, 280, 280)), hexc("#F6B7C1"), 0.5)
    cv.fill(cv.m_ellipse((320, 262, 346, 280)), hexc("#F6B7C1"), 0.5)
    leaf(cv, 270, 420, 330, 392, 16, hexc("#F6FBF4"))
    label_lines(cv, 0, 436, [110, 70], (255, 255, 255), h=7, gap=8, center=300, opacity=0.85)
    cv.fill(inter(pouch, cv.m_rect((196, 130, 208, 470), r=6)), (255, 255, 255), 0.35)
    cv.target = cv.rotated(cv.target, 7, 300, 300)
    cv.end(tint=darken(bg2, 0.4), strength=1.2, dx=18, dy=16)


def cream_jar(cv, rng):
    bg1, bg2 = hexc("#ECE4FF"), hexc("#FFE7F1")
    background(cv, bg1, bg2)
    podium(cv, 300, 478, 205, 38, 62, hexc("#D8CBF5"))
    for (x, y, r) in [(110, 130, 16), (480, 120, 12), (520, 300, 9), (90, 330, 11), (300, 80, 9)]:
        sparkle(cv, x, y, r, (255, 255, 255))

    cv.begin()
    lilac = hexc("#AE92E6")
    gold = hexc("#E2B866")
    body = cv.m_rect((182, 336, 382, 480), r=30)
    cv.fill(body, cv.hgrad((182, 0, 382, 1), cyl(lilac, hi=0.35)))
    lab = cv.m_rect((204, 372, 360, 446), r=12)
    cv.fill(lab, (252, 250, 255), 0.95)
    cv.fill(cv.m_circle(234, 409, 14), lilac)
    label_lines(cv, 258, 396, [80, 54], darken(lilac, 0.3), h=6, gap=8, opacity=0.55)
    lid = cv.m_rect((172, 282, 392, 344), r=14)
    cv.fill(lid, cv.hgrad((172, 0, 392, 1), metal(gold)))
    for x in range(180, 388, 8):
        cv.fill(inter(lid, cv.m_rect((x, 290, x + 2, 338))), darken(gold, 0.25), 0.25)
    cv.fill(cv.m_ellipse((172, 266, 392, 300)), cv.hgrad((172, 0, 392, 1), [(0, lighten(gold, 0.3)), (0.4, lighten(gold, 0.55)), (1, lighten(gold, 0.15))]))
    cv.fill(cv.m_ellipse((196, 272, 368, 294)), lighten(gold, 0.35))
    gloss(cv, (194, 356, 206, 462), 0.45)
    cv.end(480, 282, 110, darken(hexc("#D8CBF5"), 0.45))
    # a dollop of cream next to the jar
    cv.begin()
    cream = hexc("#FFFDFB")
    for b in [(392, 444, 500, 488), (404, 420, 488, 462), (418, 398, 474, 438), (432, 384, 458, 414)]:
        cv.fill(cv.m_ellipse(b), cv.vgrad((0, b[1], 1, b[3]), [(0, cream), (1, hexc("#EBE3F6"))]))
    cv.fill(cv.m_poly(bezier((446, 388), (450, 372), (464, 366), (470, 360), 12) + bezier((470, 360), (466, 374), (458, 384), (452, 392), 12)), cream)
    cv.fill(cv.m_ellipse((414, 426, 436, 436)), (255, 255, 255))
    cv.end(488, 446, 50, darken(hexc("#D8CBF5"), 0.45), strength=0.7, dx=8, dy=6)


def micellar(cv, rng):
    bg1, bg2 = hexc("#E0F0FD"), hexc("#FDE3EE")
    background(cv, bg1, bg2, angle=45)
    arch(cv, (150, 100, 410, 620), (255, 255, 255), 0.45)
    cv.fill(cv.m_ellipse((40, 470, 560, 680)), (255, 255, 255), 0.45)
    for (x, y, r) in [(480, 120, 26), (520, 220, 12), (90, 160, 18), (110, 300, 10), (70, 430, 24)]:
        bubble(cv, x, y, r)

    cv.begin()
    pink = hexc("#F07FA8")
    water = hexc("#B6DDF5")
    outer = union(cv.m_rect((254, 176, 346, 236), r=22), cv.m_rect((206, 212, 354, 486), r=38))
    cv.fill(outer, (255, 255, 255), 0.55)
    liquid = cv.m_rect((212, 252, 348, 480), r=32)
    cv.fill(liquid, cv.hgrad((212, 0, 348, 1), cyl(water, hi=0.35, lo=0.12)), 0.95)
    cv.fill(cv.m_rect((214, 248, 346, 258), r=5), lighten(water, 0.5))
    ring = minus(outer, union(cv.m_rect((259, 181, 341, 240), r=18), cv.m_rect((211, 217, 349, 481), r=34)))
    cv.fill(ring, (255, 255, 255), 0.75)
    cap = cv.m_rect((240, 112, 360, 186), r=14)
    cv.fill(cap, cv.hgrad((240, 0, 360, 1), cyl(pink, hi=0.35)))
    cv.fill(cv.m_rect((240, 134, 360, 138)), darken(pink, 0.2), 0.6)
    cv.fill(cv.m_rect((278, 112, 322, 120), r=4), darken(pink, 0.15), 0.6)
    lab = cv.m_rect((226, 318, 334, 432), r=10)
    cv.fill(lab, (255, 255, 255), 0.95)
    cv.fill(inter(lab, cv.m_rect((226, 318, 334, 340))), pink)
    label_lines(cv, 0, 364, [70, 48, 30], darken(pink, 0.3), h=6, gap=8, center=280, opacity=0.55)
    gloss(cv, (218, 262, 230, 462), 0.55)
    cv.end(486, 280, 86, darken(bg2, 0.4))
    # cotton pads
    cv.begin()
    for i, y in enumerate((470, 456, 442)):
        cv.fill(cv.m_ellipse((384, y - 4, 520, y + 34)), hexc("#E9E4EC"))
        top = cv.m_ellipse((384, y - 10, 520, y + 26))
        cv.fill(top, (253, 252, 252))
    top = cv.m_ellipse((384, 432, 520, 468))
    for _ in range(45):
        x, y = rng.uniform(392, 512), rng.uniform(436, 464)
        cv.fill(inter(top, cv.m_circle(x, y, 1.2)), hexc("#E6E0EA"), 0.7)
    cv.end(500, 452, 70, darken(bg2, 0.4), strength=0.7, dx=8, dy=6)


def cushion(cv, rng):
    bg1, bg2 = hexc("#FFF1E4"), hexc("#F9DDD5")
    background(cv, bg1, bg2, angle=80)
    cv.fill(cv.m_circle(300, 300, 230), (255, 255, 255), 0.35)
    for (x, y, r) in [(95, 110, 15), (520, 90, 12), (540, 330, 10), (70, 360, 9)]:
        sparkle(cv, x, y, r, (255, 255, 255))

    cv.begin()
    shell = hexc("#E6AE9C")
    # open lid standing behind
    cv.fill(cv.m_ellipse((140, 84, 460, 386)), cv.hgrad((140, 0, 460, 1), cyl(shell, hi=0.3)))
    cv.fill(cv.m_ellipse((152, 96, 448, 374)), lighten(shell, 0.25))
    mirror = cv.m_ellipse((164, 108, 436, 362))
    cv.fill(mirror, cv.vgrad((0, 108, 1, 362), [(0, hexc("#F4F7FB")), (1, hexc("#C7D3E2"))]))
    cv.fill(inter(mirror, cv.m_poly([(200, 360), (330, 100), (370, 100), (240, 360)])), (255, 255, 255), 0.55)
    cv.fill(inter(mirror, cv.m_poly([(262, 360), (392, 100), (408, 100), (278, 360)])), (255, 255, 255), 0.45)
    # base
    side = union(cv.m_rect((140, 410, 460, 454)), cv.m_ellipse((140, 398, 460, 510)))
    cv.fill(side, cv.hgrad((140, 0, 460, 1), cyl(darken(shell, 0.05), hi=0.3)))
    cv.fill(cv.m_ellipse((140, 354, 460, 466)), lighten(shell, 0.3))
    cv.fill(cv.m_ellipse((158, 364, 442, 458)), darken(shell, 0.08))
    pad = cv.m_ellipse((170, 370, 430, 452))
    cv.fill(pad, cv.vgrad((0, 370, 1, 452), [(0, hexc("#F7D7BA")), (1, hexc("#EDC29E"))]))
    for _ in range(140):
        x, y = rng.uniform(176, 424), rng.uniform(374, 448)
        cv.fill(inter(pad, cv.m_circle(x, y, 1.8)), hexc("#D9A986"), 0.5)
    cv.fill(cv.m_ellipse((196, 380, 300, 400)), (255, 255, 255), 0.3)
    cv.end(500, 300, 160, darken(bg2, 0.4))
    # puff
    cv.begin()
    cv.fill(cv.m_ellipse((388, 478, 536, 534)), hexc("#EFE3DC"))
    top = cv.m_ellipse((388, 466, 536, 522))
    cv.fill(top, cv.vgrad((0, 466, 1, 522), [(0, hexc("#FFFCFA")), (1, hexc("#F3E9E3"))]))
    cv.fill(inter(top, cv.m_rect((446, 460, 476, 530))), hexc("#F2A7B5"))
    cv.fill(inter(top, cv.m_rect((452, 460, 458, 530))), (255, 255, 255), 0.4)
    cv.end(528, 462, 70, darken(bg2, 0.4), strength=0.8, dx=6, dy=6)


def mascara(cv, rng):
    bg1, bg2 = hexc("#ECE3FA"), hexc("#FBE6F2")
    background(cv, bg1, bg2, angle=30)
    podium(cv, 300, 478, 185, 34, 62, hexc("#DACCF3"))
    for (x, y, r) in [(110, 120, 16), (500, 110, 12), (520, 290, 10), (80, 330, 10), (230, 80, 8)]:
        sparkle(cv, x, y, r, (255, 255, 255))
    # stylised lashes
    cv.fill(cv.m_arc((80, 190, 200, 300), 200, 340, 4), hexc("#8F7BB8"), 0.5)
    for a in range(212, 335, 18):
        r1, r2 = 57, 76
        cx, cy = 140, 245
        t = math.radians(a)
        cv.fill(cv.m_line([(cx + r1 * math.cos(t), cy + r1 * math.sin(t)), (cx + r2 * math.cos(t - 0.12), cy + r2 * math.sin(t - 0.12))], 3.5), hexc("#8F7BB8"), 0.5)

    cv.begin()
    pink = hexc("#EC6A9C")
    black = hexc("#2B2733")
    gold = hexc("#E0B96A")
    cv.fill(cv.m_rect((236, 206, 284, 244), r=4), cv.hgrad((236, 0, 284, 1), cyl(black, hi=0.3)))
    cv.fill(cv.m_rect((222, 238, 298, 256), r=4), cv.hgrad((222, 0, 298, 1), metal(gold)))
    tube = cv.m_rect((222, 254, 298, 480), r=18)
    cv.fill(tube, cv.hgrad((222, 0, 298, 1), cyl(pink, hi=0.35)))
    label_lines(cv, 0, 330, [40, 26, 34], (255, 255, 255), h=5, gap=8, center=260, opacity=0.7)
    gloss(cv, (233, 268, 244, 462), 0.45)
    cv.end(480, 260, 46, darken(hexc("#DACCF3"), 0.45))
    # the wand, leaning
    cv.begin()
    cv.fill(cv.m_rect((356, 100, 404, 282), r=12), cv.hgrad((356, 0, 404, 1), cyl(black, hi=0.35)))
    cv.fill(cv.m_rect((356, 272, 404, 290), r=3), cv.hgrad((356, 0, 404, 1), metal(gold)))
    cv.fill(cv.m_rect((368, 114, 376, 262), r=4), (255, 255, 255), 0.3)
    cv.fill(cv.m_rect((376, 288, 384, 372)), cv.hgrad((376, 0, 384, 1), metal(hexc("#C8CBD3"))))
    brush = union(cv.m_rect((362, 364, 398, 450), r=16), cv.m_circle(380, 452, 6))
    cv.fill(brush, black)
    for y in range(368, 450, 5):
        cv.fill(inter(brush, cv.m_rect((358, y, 402, y + 2))), hexc("#4A4555"))
    cv.fill(cv.m_rect((378, 364, 382, 456)), hexc("#56505F"))
    cv.target = cv.rotated(cv.target, -12, 380, 300, dy=22)
    cv.end(486, 396, 40, darken(hexc("#DACCF3"), 0.45))


def perfume(cv, rng):
    bg1, bg2 = hexc("#FFF2DB"), hexc("#FFDDE8")
    background(cv, bg1, bg2, angle=100)
    arch(cv, (140, 70, 460, 620), (255, 249, 240), 0.75)
    podium(cv, 300, 482, 185, 34, 60, hexc("#F5D0C0"))
    petal = hexc("#F4A3B6")
    for (x, y, a, s) in [(100, 150, 20, 0.9), (500, 160, 150, 0.8), (520, 400, 250, 0.7), (80, 420, 300, 0.8)]:
        dx, dy = math.cos(math.radians(a)) * 34 * s, math.sin(math.radians(a)) * 34 * s
        leaf(cv, x - dx, y - dy, x + dx, y + dy, 22 * s, petal)
    for (x, y, r) in [(170, 110, 12), (440, 90, 9)]:
        sparkle(cv, x, y, r, (255, 255, 255))

    cv.begin()
    glass = hexc("#F3A2BA")
    gold = hexc("#DDB066")
    body = cv.m_rect((196, 246, 404, 484), r=30)
    cv.fill(body, cv.hgrad((196, 0, 404, 1), cyl(glass, hi=0.25)))
    pane = cv.m_rect((222, 272, 378, 458), r=14)
    cv.fill(pane, cv.hgrad((222, 0, 378, 1), [(0, lighten(glass, 0.5)), (0.5, lighten(glass, 0.3)), (1, lighten(glass, 0.15))]))
    for pts in ([(196, 246), (222, 272), (222, 458), (196, 484)], [(404, 246), (378, 272), (378, 458), (404, 484)]):
        cv.fill(inter(body, cv.m_poly(pts)), darken(glass, 0.08), 0.5)
    cv.fill(inter(pane, cv.m_poly([(230, 458), (330, 272), (356, 272), (256, 458)])), (255, 255, 255), 0.35)
    cv.fill(cv.m_rect((258, 392, 342, 420), r=6), (255, 251, 246), 0.9)
    cv.fill(cv.m_rect((276, 403, 324, 409), r=3), gold, 0.9)
    cv.fill(cv.m_rect((270, 214, 330, 250), r=4), cv.hgrad((270, 0, 330, 1), metal(gold)))
    cv.fill(cv.m_rect((258, 236, 342, 252), r=5), cv.hgrad((258, 0, 342, 1), metal(gold)))
    cap = cv.m_circle(300, 158, 62)
    cv.fill(cap, cv.hgrad((238, 0, 362, 1), cyl(hexc("#F2D3D6"), hi=0.5, lo=0.2)))
    cv.shadow(minus(cap, cv.m_circle(292, 150, 62)), 0, 0, 6, darken(hexc("#F2D3D6"), 0.25), 0.6)
    cv.fill(cv.m_ellipse((258, 116, 290, 146)), (255, 255, 255), 0.75)
    cv.end(484, 300, 118, darken(hexc("#F5D0C0"), 0.45))


def face_device(cv, rng):
    bg1, bg2 = hexc("#DDF4FA"), hexc("#E5E6FA")
    background(cv, bg1, bg2, angle=50, glow_at=(0.3, 0.25))
    cv.fill(cv.m_circle(300, 300, 215), (255, 255, 255), 0.4)
    podium(cv, 300, 486, 170, 32, 60, hexc("#C7E4F0"))
    drop_color = hexc("#8CCDEA")
    for (x, y, s) in [(120, 150, 1.0), (480, 140, 0.8), (500, 330, 0.6), (100, 360, 0.7)]:
        d = cv.m_poly(bezier((x, y - 34 * s), (x + 8 * s, y - 18 * s), (x + 22 * s, y - 6 * s), (x + 22 * s, y + 8 * s), 16)
                      + bezier((x + 22 * s, y + 8 * s), (x + 22 * s, y + 36 * s), (x - 22 * s, y + 36 * s), (x - 22 * s, y + 8 * s), 16)
                      + bezier((x - 22 * s, y + 8 * s), (x - 22 * s, y - 6 * s), (x - 8 * s, y - 18 * s), (x, y - 34 * s), 16))
        cv.fill(d, drop_color, 0.8)
        cv.fill(cv.m_ellipse((x - 12 * s, y, x - 4 * s, y + 16 * s)), (255, 255, 255), 0.8)

    cv.begin()
    pink = hexc("#F39AB4")
    shape = union(cv.m_ellipse((196, 96, 404, 372)), cv.m_rect((218, 240, 382, 486), r=76))
    cv.fill(shape, cv.hgrad((196, 0, 404, 1), cyl(pink, hi=0.3, lo=0.16)))
    zone = cv.m_ellipse((226, 126, 374, 340))
    cv.fill(zone, darken(pink, 0.06))
    for row, y in enumerate(range(140, 336, 15)):
        off = 7.5 if row % 2 else 0
        for x in range(226, 376, 15):
            x2 = x + off
            if ((x2 - 300) / 68) ** 2 + ((y - 233) / 100) ** 2 < 1:
                cv.fill(cv.m_circle(x2, y, 4.2), darken(pink, 0.2))
                cv.fill(cv.m_circle(x2 - 1.2, y - 1.4, 1.6), lighten(pink, 0.45), 0.9)
    btn = cv.m_circle(300, 418, 26)
    cv.fill(btn, lighten(pink, 0.3))
    cv.fill(cv.m_arc((287, 405, 313, 431), 300, 240, 4), darken(pink, 0.25))
    cv.fill(cv.m_line([(300, 402), (300, 416)], 4), darken(pink, 0.25))
    gloss(cv, (214, 170, 226, 420), 0.4)
    cv.target = cv.rotated(cv.target, -8, 300, 486)
    cv.end(488, 300, 84, darken(hexc("#C7E4F0"), 0.45))


PRODUCTS = {
    "serum-b5": serum_b5,
    "kem-chong-nang": sunscreen,
    "son-kem": lipstick,
    "sua-rua-mat": cleanser,
    "toner": toner,
    "mat-na": sheet_mask,
    "kem-duong": cream_jar,
    "tay-trang": micellar,
    "phan-nuoc": cushion,
    "mascara": mascara,
    "nuoc-hoa": perfume,
    "may-rua-mat": face_device,
}


# ---------------------------------------------------------------- people


def avatar(cv):
    """Linh: a friendly head-and-shoulders portrait, centred for a circular crop."""
    background(cv, hexc("#FFD7E1"), hexc("#FFE8D1"), angle=50, glow_at=(0.25, 0.2))
    cv.fill(cv.m_circle(256, 250, 196), (255, 255, 255), 0.3)
    for (x, y, r) in [(420, 120, 13), (96, 170, 9), (440, 300, 8)]:
        sparkle(cv, x, y, r, (255, 255, 255), 0.95)

    skin = hexc("#F7CDB2")
    skin_dark = hexc("#E9B194")
    hair = hexc("#3B2830")
    top = hexc("#6FC2B4")

    # hair behind the head, falling to the shoulders
    back = union(cv.m_ellipse((134, 74, 378, 330)), cv.m_rect((134, 190, 378, 420), r=60))
    cv.shadow(back, 0, 8, 16, darken(hexc("#FFD7E1"), 0.4), 0.3)
    cv.fill(back, cv.hgrad((128, 0, 384, 1), [(0, darken(hair, 0.1)), (0.5, hair), (1, darken(hair, 0.15))]))

    # shoulders and top
    body = cv.m_rect((54, 382, 458, 700), r=150)
    cv.shadow(body, 0, 0, 14, darken(top, 0.5), 0.25)
    cv.fill(body, cv.hgrad((58, 0, 454, 1), [(0, darken(top, 0.06)), (0.3, lighten(top, 0.12)), (0.7, top), (1, darken(top, 0.1))]))
    # hair locks over the shoulders
    for sgn in (1, -1):
        def X(x):
            return x if sgn == 1 else 512 - x

        lock = cv.m_poly(
            bezier((X(150), 230), (X(118), 300), (X(112), 400), (X(150), 488), 24)
            + bezier((X(150), 488), (X(170), 470), (X(200), 420), (X(198), 380), 24)
            + bezier((X(198), 380), (X(196), 330), (X(186), 290), (X(188), 240), 24)
        )
        cv.fill(lock, cv.hgrad((min(X(112), X(200)), 0, max(X(112), X(200)), 1), [(0, darken(hair, 0.08)), (0.5, lighten(hair, 0.06)), (1, darken(hair, 0.1))]))
        cv.fill(inter(lock, cv.m_line(bezier((X(150), 300), (X(140), 360), (X(142), 420), (X(154), 460), 16), 4)), lighten(hair, 0.25), 0.5)
    # neck and V neckline
    neck = union(cv.m_rect((231, 300, 281, 410), r=12), cv.m_poly([(218, 386), (294, 386), (256, 452)]))
    cv.fill(neck, skin_dark)
    chin = cv.m_poly(bezier((200, 330), (220, 350), (240, 356), (256, 357), 16) + bezier((256, 357), (272, 356), (292, 350), (312, 330), 16))
    shade = cv.layer()
    cv.shadow(chin, 0, 20, 6, darken(skin_dark, 0.14), 0.9, layer=shade)
    shade.putalpha(ImageChops.multiply(shade.getchannel("A"), neck))
    cv.put(shade)
    cv.fill(cv.m_arc((210, 326, 302, 440), 35, 145, 3), hexc("#E8C07A"))
    cv.fill(cv.m_circle(256, 440, 5), hexc("#E8C07A"))

    # ears + earrings
    for (x0, x1) in ((160, 188), (324, 352)):
        cv.fill(cv.m_ellipse((x0, 226, x1, 276)), skin_dark)
    for x in (172, 340):
        cv.fill(minus(cv.m_circle(x, 290, 10), cv.m_circle(x, 290, 6)), hexc("#E8C07A"))

    # face
    face = union(
        cv.m_ellipse((172, 126, 340, 318)),
        cv.m_poly(bezier((174, 236), (180, 308), (226, 350), (256, 352), 24) + bezier((256, 352), (286, 350), (332, 308), (338, 236), 24)),
    )
    cv.fill(face, cv.hgrad((172, 0, 340, 1), [(0, darken(skin, 0.03)), (0.35, lighten(skin, 0.12)), (0.75, skin), (1, darken(skin, 0.05))]))
    # blush
    for (x, y) in ((206, 290), (306, 290)):
        cv.shadow(cv.m_ellipse((x - 22, y - 11, x + 22, y + 11)), 0, 0, 5, hexc("#F38E9C"), 0.55)
    # eyes, brows, nose, smile
    brow = darken(hair, 0.05)
    for cx in (216, 296):
        cv.fill(cv.m_ellipse((cx - 10, 242, cx + 10, 266)), hexc("#2E2226"))
        cv.fill(cv.m_circle(cx + 3, 249, 3.6), (255, 255, 255))
        cv.fill(cv.m_circle(cx - 4, 259, 1.8), (255, 255, 255), 0.8)
        cv.fill(cv.m_arc((cx - 24, 210, cx + 24, 246), 215, 325, 5), brow)
    cv.fill(cv.m_line([(204, 246), (197, 240)], 3), hexc("#2E2226"))
    cv.fill(cv.m_line([(308, 246), (315, 240)], 3), hexc("#2E2226"))
    cv.fill(cv.m_arc((246, 268, 266, 292), 30, 150, 3.2), darken(skin_dark, 0.1))
    mouth = cv.blank()
    ImageDraw.Draw(mouth).chord(cv.box((230, 290, 282, 334)), 0, 180, fill=255)
    cv.fill(mouth, hexc("#D9546E"))
    cv.fill(inter(mouth, cv.m_ellipse((240, 318, 272, 340))), hexc("#F08A98"))
    cv.fill(inter(mouth, cv.m_rect((230, 310, 282, 316))), (255, 255, 255), 0.85)

    # side-swept bangs
    edge = bezier((158, 276), (166, 200), (196, 160), (236, 150), 24) + bezier((236, 150), (300, 170), (336, 196), (354, 276), 24)
    bangs = inter(cv.m_ellipse((148, 80, 364, 306)), cv.m_poly(edge + [(380, 276), (380, 40), (130, 40), (130, 276)]))
    cv.fill(bangs, cv.hgrad((148, 0, 364, 1), [(0, darken(hair, 0.08)), (0.45, lighten(hair, 0.08)), (1, darken(hair, 0.12))]))
    cv.fill(inter(bangs, cv.m_arc((186, 100, 330, 230), 205, 265, 9)), lighten(hair, 0.3), 0.55)
    # a small hair clip
    cv.fill(cv.m_rect((300, 150, 338, 162), r=6), hexc("#F7A8B8"))
    cv.fill(cv.m_rect((304, 152, 318, 156), r=2), (255, 255, 255), 0.6)


def placeholder_avatar(cv):
    """Neutral person silhouette, for profiles without a photo."""
    bg = cv.vgrad((0, 0, 1, 256), [(0, hexc("#EEF1F6")), (1, hexc("#D9DFE8"))])
    cv.fill(cv.m_rect((0, 0, 256, 256)), bg)
    fig = hexc("#AEB8C7")
    cv.fill(cv.m_circle(128, 104, 46), fig)
    cv.fill(cv.m_rect((44, 172, 212, 340), r=84), fig)


def placeholder_product(cv):
    """Neutral parcel box, for products without a picture."""
    bg = cv.vgrad((0, 0, 1, 400), [(0, hexc("#F3F5F8")), (1, hexc("#E2E7EE"))])
    cv.fill(cv.m_rect((0, 0, 400, 400)), bg)
    cx, top, w, h, depth = 200, 110, 128, 74, 120
    t = [(cx, top), (cx + w, top + h / 2 * 1.0), (cx, top + h), (cx - w, top + h / 2 * 1.0)]
    left = [t[3], t[2], (t[2][0], t[2][1] + depth), (t[3][0], t[3][1] + depth)]
    right = [t[2], t[1], (t[1][0], t[1][1] + depth), (t[2][0], t[2][1] + depth)]
    cv.shadow(cv.m_poly([(cx - w, top + h / 2 + depth), (cx, top + h + depth), (cx + w, top + h / 2 + depth), (cx, top + depth)]), 8, 6, 9, hexc("#8C97A8"), 0.5)
    cv.fill(cv.m_poly(left), hexc("#BCC5D2"))
    cv.fill(cv.m_poly(right), hexc("#A6B1C1"))
    cv.fill(cv.m_poly(t), hexc("#D5DCE6"))
    # tape across the lid and down the front
    tape = hexc("#C3CCD8")
    cv.fill(cv.m_poly([(cx - w / 2 - 12, top + h / 4), (cx - w / 2 + 12, top + h / 4 - 6), (cx + w / 2 + 12, top + h * 3 / 4), (cx + w / 2 - 12, top + h * 3 / 4 + 6)]), tape)
    cv.fill(cv.m_poly([(cx + w / 2 - 12, top + h * 3 / 4 + 6), (cx + w / 2 + 12, top + h * 3 / 4), (cx + w / 2 + 12, top + h * 3 / 4 + depth * 0.42), (cx + w / 2 - 12, top + h * 3 / 4 + 6 + depth * 0.42)]), hexc("#B4BECC"))


# ---------------------------------------------------------------- output


def save_jpeg(img, path, quality, limit):
    img = img.convert("RGB")
    img.save(path, "JPEG", quality=quality, optimize=True, progressive=True)
    size = path.stat().st_size
    flag = "" if size < limit else "  (over %d!)" % limit
    print(f"{path.relative_to(ROOT)}: {size} bytes{flag}")


def save_png(img, path, limit, colors=64):
    img = img.convert("RGB").quantize(colors=colors, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    img.save(path, "PNG", optimize=True)
    size = path.stat().st_size
    flag = "" if size < limit else "  (over %d!)" % limit
    print(f"{path.relative_to(ROOT)}: {size} bytes{flag}")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", nargs="*", help="names to draw (avatar, placeholders, or product names)")
    args = ap.parse_args(argv)
    want = set(args.only) if args.only else None
    SITE_IMAGES.mkdir(parents=True, exist_ok=True)
    ASSETS.mkdir(parents=True, exist_ok=True)

    for i, (name, fn) in enumerate(PRODUCTS.items()):
        if want and name not in want:
            continue
        cv = Canvas(600)
        fn(cv, random.Random(1000 + i))
        save_jpeg(cv.result(), SITE_IMAGES / f"{name}.jpg", 80, 35_000)
    if not want or "avatar" in want:
        cv = Canvas(512)
        avatar(cv)
        save_jpeg(cv.result(), SITE_IMAGES / "avatar.jpg", 82, 40_000)
    if not want or "placeholders" in want:
        cv = Canvas(256)
        placeholder_avatar(cv)
        save_png(cv.result(), ASSETS / "placeholder-avatar.png", 8_000)
        cv = Canvas(400)
        placeholder_product(cv)
        save_png(cv.result(), ASSETS / "placeholder-product.png", 8_000, colors=96)


if __name__ == "__main__":
    main()
