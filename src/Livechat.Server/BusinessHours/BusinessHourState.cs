using Livechat.Server.Data;
using Livechat.Server.Settings;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.BusinessHours;

/// <summary>What other features ask of business hours: the widget whether it is open, <c>agent.status</c> whether an agent may become available.</summary>
public static class BusinessHourState
{
    /// <summary>
    /// Whether <paramref name="department"/> (or the server, for none) is within business hours now, by the clock: its
    /// own custom hour under <c>Multiple</c>, else the default hour. Always true while business hours are off.
    /// </summary>
    public static async Task<bool> IsOpenAsync(LivechatDb db, SettingsStore settings, string? department, DateTime now, CancellationToken ct)
    {
        if (!await settings.GetBoolAsync("Livechat_enable_business_hours", ct)) return true;
        BusinessHour? hour = null;
        if (department is not null && await settings.GetStringAsync("Livechat_business_hour_type", ct) == "Multiple")
        {
            var custom = await db.BusinessHours.AsNoTracking().Where(h => h.Type == BusinessHour.Custom && h.Active).ToListAsync(ct);
            hour = custom.FirstOrDefault(h => h.Departments.Contains(department));
        }
        hour ??= await db.BusinessHours.AsNoTracking().FirstOrDefaultAsync(h => h.Id == BusinessHourCatalogue.DefaultId, ct);
        return hour is null || !hour.Active || BusinessHourSchedule.IsOpen(hour, now);
    }

    /// <summary>
    /// Whether one of the agent's business hours is open now (Rocket.Chat's <c>isAgentWithinBusinessHours</c>, which
    /// refuses <c>agent.status</c> to available outside them): under <c>Multiple</c> the custom hours of the agent's
    /// departments when there are any, else the default hour.
    /// </summary>
    public static async Task<bool> AgentWithinHoursAsync(LivechatDb db, SettingsStore settings, string agentId, DateTime now, CancellationToken ct)
    {
        if (!await settings.GetBoolAsync("Livechat_enable_business_hours", ct)) return true;
        var hours = await db.BusinessHours.AsNoTracking().Where(h => h.Active).ToListAsync(ct);
        if (await settings.GetStringAsync("Livechat_business_hour_type", ct) == "Multiple")
        {
            var departments = await db.DepartmentAgents.AsNoTracking().Where(a => a.AgentId == agentId).Select(a => a.DepartmentId).ToListAsync(ct);
            var mine = hours.Where(h => h.Type == BusinessHour.Custom && h.Departments.Any(departments.Contains)).ToList();
            if (mine.Count > 0) return mine.Any(h => BusinessHourSchedule.IsOpen(h, now));
        }
        return hours.FirstOrDefault(h => h.Type == BusinessHour.Default) is not { } standard || BusinessHourSchedule.IsOpen(standard, now);
    }
}
