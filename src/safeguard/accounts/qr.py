"""QR codes for enrolling an authenticator app, as inline SVG data (allowed by the CSP's
img-src 'self' data:), so the secret never travels in a URL or sits in a file."""

import base64
import io

import qrcode
import qrcode.image.svg


def qr_code_data_uri(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=10)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
