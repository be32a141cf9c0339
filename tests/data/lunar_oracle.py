#!/usr/bin/python3
"""Independent oracle for the provisional calendar's table: prints, for
each year from FIRST to LAST, the Gregorian dates of 正月初一, 端午 (五月初五)
and 中秋 (八月十五) from python3-lunardate, and of 清明 from python3-ephem
(the day, in Beijing time, on which the Sun's apparent ecliptic longitude
reaches 15 degrees):

    YEAR SPRING DRAGON_BOAT MID_AUTUMN QINGMING

Debian's python3-lunardate and python3-ephem; run with /usr/bin/python3.
"""
import datetime
import math
import sys

import ephem
from lunardate import LunarDate


def qingming(year):
    for i in range(20):
        day = datetime.date(year, 3, 28) + datetime.timedelta(days=i)
        # The end of that day in Beijing (UTC+8) is 16:00 UTC.
        t = ephem.Date(day.strftime("%Y/%m/%d") + " 16:00:00")
        lon = math.degrees(float(ephem.Ecliptic(ephem.Sun(t), epoch=t).lon))
        if 15 <= lon < 30:
            return day
    raise ValueError(year)


def main(first, last):
    for y in range(first, last + 1):
        dates = [LunarDate(y, 1, 1).toSolarDate(),
                 LunarDate(y, 5, 5).toSolarDate(),
                 LunarDate(y, 8, 15).toSolarDate(), qingming(y)]
        print(y, *(d.isoformat() for d in dates))


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
