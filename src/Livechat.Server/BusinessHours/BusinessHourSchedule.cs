using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Livechat.Server.BusinessHours;

/// <summary>One day of a business hour as saved: local times <c>HH:mm</c> in the hour's time zone.</summary>
public sealed record WorkHour(string Day, string Start, string Finish, bool Open);

/// <summary>When a business hour is open: pure logic on its work hours and time zone, for the timed action and the widget.</summary>
public static class BusinessHourSchedule
{
    /// <summary>Rocket.Chat's day names, in <see cref="DayOfWeek"/> order (its <c>code</c>).</summary>
    public static readonly string[] Days = [.. Enum.GetNames<DayOfWeek>()];

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.Never };

    public static List<WorkHour> Parse(string json) => JsonSerializer.Deserialize<List<WorkHour>>(json, Json) ?? [];

    public static string Serialize(IEnumerable<WorkHour> hours) => JsonSerializer.Serialize(hours.ToList(), Json);

    /// <summary>Rocket.Chat's default business hour: every day, 00:00 to 23:59.</summary>
    public static List<WorkHour> AllDays() => [.. Days.Select(d => new WorkHour(d, "00:00", "23:59", true))];

    /// <summary>The time zone of an IANA name, or null when this machine does not know it.</summary>
    public static TimeZoneInfo? Zone(string name)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(name);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return null;
        }
    }

    /// <summary><c>HH:mm</c> or <c>HH:mm:ss</c> (the REST examples send seconds) as minutes after midnight.</summary>
    public static int? Minutes(string time)
    {
        string[] formats = ["hh\\:mm", "hh\\:mm\\:ss", "h\\:mm"];
        return TimeSpan.TryParseExact(time, formats, CultureInfo.InvariantCulture, out var t) && t < TimeSpan.FromDays(1)
            ? (int)t.TotalMinutes : null;
    }

    /// <summary>
    /// Whether the hour is open at <paramref name="utc"/>: the local day's work hour is open and the local time is in
    /// [start, finish). A finish of 23:59 runs to midnight (Rocket.Chat's default day would close for that last minute).
    /// </summary>
    public static bool IsOpen(BusinessHour hour, DateTime utc)
    {
        var zone = Zone(hour.TimezoneName) ?? TimeZoneInfo.Utc;
        var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone);
        var day = Days[(int)local.DayOfWeek];
        var now = (int)local.TimeOfDay.TotalMinutes;
        return Parse(hour.WorkHours).Any(w => w.Open && w.Day == day && Minutes(w.Start) is { } start && Minutes(w.Finish) is { } finish
            && now >= start && (now < finish || finish == 23 * 60 + 59));
    }

    /// <summary>The zone's offset now, as moment's <c>Z</c> format (<c>-03:00</c>).</summary>
    public static string Offset(TimeZoneInfo zone, DateTime utc)
    {
        var offset = zone.GetUtcOffset(utc);
        return (offset < TimeSpan.Zero ? "-" : "+") + offset.ToString("hh\\:mm", CultureInfo.InvariantCulture);
    }

    /// <summary>A local day and time of the zone this week as UTC day and time (Rocket.Chat's <c>utc</c>/<c>cron</c> fields).</summary>
    public static (string Day, string Time) ToUtc(string day, string time, TimeZoneInfo zone, DateTime utcNow)
    {
        var minutes = Minutes(time) ?? 0;
        var offset = zone.GetUtcOffset(utcNow);
        var total = Array.IndexOf(Days, day) * 24 * 60 + minutes - (int)offset.TotalMinutes;
        var week = 7 * 24 * 60;
        total = ((total % week) + week) % week;
        return (Days[total / (24 * 60)], $"{total % (24 * 60) / 60:00}:{total % 60:00}");
    }
}
