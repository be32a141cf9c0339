/* Synthetic entities for benchmarks and the demo: valid USCCs and a
 * realistic class mix (about A 30% / B 55% / C 12% / D 3%), some list flags,
 * scores that follow the class, and past inspections. */
#include "synth.h"

#include <stdio.h>

#include "inspect/core/date.h"
#include "inspect/core/policy.h"

static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/* District codes from several provinces (Henan, Guangdong, Zhejiang,
 * Beijing, Sichuan). */
static const uint32_t regions[] = {
	410102, 410103, 410104, 410105, 410122, 410305, 410311, 410526,
	440103, 440104, 440106, 440303, 440304, 440305, 440306, 440604,
	330102, 330106, 330108, 330110, 330205, 330212, 330302, 330381,
	110101, 110102, 110105, 110106, 110108, 510104, 510105, 510107,
};
static const char *const industries[] = {
	"C1311", "C1391", "C1421", "C1469", "C2710", "C2761", "F5121",
	"F5211", "F5221", "F5281", "H6210", "H6220", "I6510", "L7212",
	"M7320", "O8010", "R8610", "C3911", "C3921", "F5152",
};

static unsigned pick(struct rng *r, const unsigned *cum_per_mille, int n)
{
	unsigned x = (unsigned)rng_bounded(r, 1000);
	for (int i = 0; i < n; i++)
		if (x < cum_per_mille[i])
			return (unsigned)i;
	return (unsigned)n - 1;
}

void synth_entity(struct rng *r, int32_t today, struct entity *e)
{
	static const unsigned class_cum[] = {300, 850, 970, 1000};
	static const unsigned flag_per_10k[FLAG_COUNT] = {20, 200, 300, 150};
	static const unsigned score_base[] = {850, 700, 500, 300};
	e->region = regions[rng_bounded(r, sizeof(regions) / sizeof(*regions))];
	char *u = e->uscc;
	u[0] = '9';
	u[1] = "1112"[rng_bounded(r, 4)]; /* mostly enterprises */
	uint32_t region = e->region;
	for (int i = 7; i >= 2; i--, region /= 10)
		u[i] = (char)('0' + region % 10);
	for (int i = 8; i < 17; i++)
		u[i] = alphabet[rng_bounded(r, 31)];
	u[17] = uscc_check_char(u);
	e->cls = (uint8_t)pick(r, class_cum, 4);
	e->score = (uint16_t)(score_base[e->cls] + rng_bounded(r, 150));
	if (rng_bounded(r, 20) == 0)
		e->score = SCORE_NONE;
	snprintf(e->industry, sizeof(e->industry), "%s",
		 industries[rng_bounded(r, sizeof(industries) /
						  sizeof(*industries))]);
	e->flags = 0;
	for (int f = 0; f < FLAG_COUNT; f++)
		if (rng_bounded(r, 10000) < flag_per_10k[f])
			e->flags |= (uint8_t)(1u << f);
	e->last_inspected = DATE_NONE;
	if (rng_bounded(r, 10) == 0)
		e->last_inspected = today - (int32_t)rng_bounded(r, 730);
}


static const char *city(uint32_t region)
{
	static const struct {
		uint32_t prefix;
		const char *name;
	} cities[] = {
		{4101, "郑州市"}, {4103, "洛阳市"}, {4105, "安阳市"},
		{4401, "广州市"}, {4403, "深圳市"}, {4406, "佛山市"},
		{3301, "杭州市"}, {3302, "宁波市"}, {3303, "温州市"},
		{1101, "北京市"}, {5101, "成都市"},
	};
	for (size_t i = 0; i < sizeof(cities) / sizeof(*cities); i++)
		if (region / 100 == cities[i].prefix)
			return cities[i].name;
	return "某市";
}

void synth_details(struct rng *r, const struct entity *e, char *out,
		   size_t size)
{
	static const char *const words[] = {"恒达", "华信", "金鼎", "瑞丰",
					    "宏图", "新源", "德盛", "鑫隆",
					    "永安", "天成", "嘉和", "盛世"};
	static const char *const kinds[] = {"商贸有限公司", "食品有限公司",
					    "科技有限公司", "餐饮管理有限公司",
					    "建材经营部", "大药房"};
	static const char *const roads[] = {"建设路", "人民路", "解放路",
					    "中山路", "文化路", "金水路"};
	snprintf(out, size, "%s%s%s%s,%s%s%u号", city(e->region),
		 words[rng_bounded(r, 12)], words[rng_bounded(r, 12)],
		 kinds[rng_bounded(r, 6)], city(e->region),
		 roads[rng_bounded(r, 6)], 1 + (unsigned)rng_bounded(r, 300));
}
