using System.Globalization;

namespace Livechat.Console.Services;

/// <summary>Times as the console shows them: relative ("2m") in lists, local and absolute in tooltips and history.</summary>
public static class Format
{
    public static string Relative(DateTime utc, TimeProvider clock)
    {
        var age = clock.GetUtcNow().UtcDateTime - DateTime.SpecifyKind(utc, DateTimeKind.Utc);
        if (age < TimeSpan.FromMinutes(1)) return $"{Math.Max(0, (int)age.TotalSeconds)}s";
        if (age < TimeSpan.FromHours(1)) return $"{(int)age.TotalMinutes}m";
        if (age < TimeSpan.FromDays(1)) return $"{(int)age.TotalHours}h";
        return $"{(int)age.TotalDays}d";
    }

    public static string Absolute(DateTime utc) =>
        DateTime.SpecifyKind(utc, DateTimeKind.Utc).ToLocalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    public static string Time(DateTime utc) =>
        DateTime.SpecifyKind(utc, DateTimeKind.Utc).ToLocalTime().ToString("HH:mm", CultureInfo.InvariantCulture);

    public static string Duration(TimeSpan span) =>
        span < TimeSpan.FromHours(1) ? $"{(int)span.TotalMinutes}m {span.Seconds}s" : $"{(int)span.TotalHours}h {span.Minutes}m";
}
