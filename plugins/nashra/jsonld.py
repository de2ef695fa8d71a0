"""schema.org structured data, serialised with json and safe inside <script>.

An Event carries what Google's event rich results ask for: name, startDate
(with its UTC offset when timed), endDate, eventStatus, eventAttendanceMode,
location (a Place with a PostalAddress, a VirtualLocation, or both), organizer,
description, inLanguage and url.
"""

import json
import zoneinfo

from markupsafe import Markup

from .dates import MINUTE, MONTH
from .ical import absolute_url, plain

SCHEMA = "https://schema.org/"
STATUS = {"scheduled": "EventScheduled", "cancelled": "EventCancelled",
          "postponed": "EventPostponed", "rescheduled": "EventRescheduled",
          "moved-online": "EventMovedOnline"}
ATTENDANCE = {"in-person": "OfflineEventAttendanceMode", "online": "OnlineEventAttendanceMode",
              "hybrid": "MixedEventAttendanceMode"}


def script_json(data):
    """JSON that cannot end its <script> element or open a comment: '<', '>' and
    '&' are escaped as JSON unicode escapes, which every JSON parser reads back."""
    text = json.dumps(data, ensure_ascii=False, indent=None, sort_keys=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


def event_script(article, lang, settings):
    return script_json(event_data(article, lang, settings))


def event_data(article, lang, settings):
    event = article.event
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": plain(article.title),
        "startDate": _date(event.start, event.timezone),
    }
    if event.end is not None:
        data["endDate"] = _date(event.end, event.timezone)
    data["eventStatus"] = SCHEMA + STATUS[event.status]
    mode = "online" if event.status == "moved-online" else event.mode
    if mode:
        data["eventAttendanceMode"] = SCHEMA + ATTENDANCE[mode]
    locations = _locations(event, mode)
    if locations:
        data["location"] = locations[0] if len(locations) == 1 else locations
    organisers = [_organisation(organisation, lang) for organisation in article.organisations]
    if organisers:
        data["organizer"] = organisers[0] if len(organisers) == 1 else organisers
    if article.summary:
        data["description"] = plain(article.summary)
    data["inLanguage"] = lang
    data["url"] = absolute_url(settings, article.url)
    return data


def _date(when, timezone):
    if when.precision == MONTH:
        return when.moment.strftime("%Y-%m")
    if when.precision == MINUTE and timezone:
        return when.moment.replace(tzinfo=zoneinfo.ZoneInfo(timezone)).isoformat()
    return when.date.isoformat()


def _locations(event, mode):
    locations = []
    if mode != "online" and event.location:
        place = event.place
        address = {"@type": "PostalAddress"}
        if place.locality:
            address["addressLocality"] = place.locality
        if event.country:
            address["addressCountry"] = event.country
        locations.append({"@type": "Place", "name": place.name, "address": address})
    if mode in ("online", "hybrid") and event.url:
        locations.append({"@type": "VirtualLocation", "url": event.url})
    return locations


def _organisation(organisation, lang):
    data = {"@type": "Organization", "name": organisation.name(lang)}
    if organisation.website:
        data["url"] = organisation.website
    return data


def organisation_data(entity, settings):
    """schema.org Organization for an organisation's page, in the page's language."""
    organisation = entity.organisation
    alternates = [name for _, name in entity.other_names]
    alternates += [a for a in organisation.abbreviations.values()] + list(organisation.aliases)
    data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": entity.name,
        "alternateName": [a for a in dict.fromkeys(alternates) if a != entity.name],
        "url": absolute_url(settings, entity.url),
    }
    if organisation.website:
        data["sameAs"] = [organisation.website]
    if organisation.country:
        data["address"] = {"@type": "PostalAddress", "addressCountry": organisation.country}
    if organisation.logo:
        data["logo"] = absolute_url(settings, organisation.logo)
    if entity.parent:
        data["parentOrganization"] = _reference(entity.parent, settings)
    if entity.children:
        data["subOrganization"] = [_reference(child, settings) for child in entity.children]
    return data


def _reference(entity, settings):
    return {"@type": "Organization", "name": entity.name,
            "url": absolute_url(settings, entity.url)}
