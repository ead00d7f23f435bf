"""The 13 key-industry categories of the Hefei High-tech Zone job-housing balance pilot
(合肥高新区"职住平衡"试点, see docs/domain.md), as preloaded by migration 0002. Zone
administrators maintain the catalogue afterwards (pages and services, audited)."""

from __future__ import annotations

from datetime import date

CATALOGUE_START = date(2021, 1, 1)

KEY_INDUSTRIES: tuple[tuple[str, str, str], ...] = (
    ("IC", "集成电路", "Integrated circuits"),
    ("DISPLAY", "新型显示", "New displays"),
    ("AI", "人工智能", "Artificial intelligence"),
    ("NETSEC", "网络与信息安全", "Network and information security"),
    ("AUTO", "汽车和智能网联汽车", "Automobiles and connected vehicles"),
    ("SMARTHOME", "家电和智能家居", "Home appliances and smart home"),
    ("EQUIPMENT", "高端装备制造", "High-end equipment manufacturing"),
    ("GREEN", "节能环保", "Energy saving and environmental protection"),
    ("PV", "光伏及新能源", "Photovoltaics and new energy"),
    ("BIO", "生物医药和大健康", "Biomedicine and health"),
    ("MATERIALS", "新材料", "New materials"),
    ("CULTURE", "创意文化产业", "Creative and cultural industries"),
    ("RND", "创新型科技研发机构", "Innovative R&D institutions"),
)
