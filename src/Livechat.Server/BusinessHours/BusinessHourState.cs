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
    /// Whether the agent's business hours are open as last applied (Rocket.Chat's <c>isAgentWithinBusinessHours</c>,
    /// which refuses <c>agent.status</c> to available outside them).
    /// </summary>
    public static async Task<bool> AgentWithinHoursAsync(LivechatDb db, SettingsStore settings, string agentId, CancellationToken ct)
    {
        if (!await settings.GetBoolAsync("Livechat_enable_business_hours", ct)) return true;
        var hours = await db.BusinessHours.AsNoTracking().ToListAsync(ct);
        var custom = await BusinessHourOpening.CustomStatesOfAgentsAsync(db, hours, ct);
        if (custom.TryGetValue(agentId, out var states)) return states.Any(s => s);
        return hours.FirstOrDefault(h => h.Type == BusinessHour.Default)?.AppliedOpen ?? true;
    }
}
