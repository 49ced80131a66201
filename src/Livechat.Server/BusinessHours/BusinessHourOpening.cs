using Livechat.Server.Agents;
using Livechat.Server.Data;
using Livechat.Server.Scheduling;
using Livechat.Server.Settings;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.BusinessHours;

/// <summary>
/// Opens and closes business hours for the agents (Rocket.Chat's cron jobs per opening and closing time, made
/// state-based). Each pass works out, for every business hour, whether it should be open now (null: it does not apply,
/// because business hours are off, or it is a custom hour outside <c>Multiple</c>) and compares that with what was last
/// applied. The hours that differ are written with their new state, version-checked, in the same save as the agents'
/// statuses that follow: outside all of an agent's hours <c>statusLivechat</c> becomes <c>not-available</c> and
/// <c>livechatStatusSystemModified</c> true; when one opens, those agents (and only those) become available again. A pass
/// after a restart applies what the clock says, whatever it missed; of two processes, one version check succeeds.
/// </summary>
public sealed class BusinessHourOpening : ITimedAction
{
    public string Name => "business-hours";

    public async Task<int> RunDueAsync(IServiceProvider services, DateTime now, CancellationToken ct)
    {
        var db = services.GetRequiredService<LivechatDb>();
        var settings = services.GetRequiredService<SettingsStore>();
        var enabled = await settings.GetBoolAsync("Livechat_enable_business_hours", ct);
        var multiple = await settings.GetStringAsync("Livechat_business_hour_type", ct) == "Multiple";
        if (enabled) await BusinessHourCatalogue.DefaultAsync(db, now, ct);

        var hours = await db.BusinessHours.ToListAsync(ct);
        var changed = 0;
        foreach (var hour in hours)
        {
            bool? due = !enabled || !hour.Active || (hour.Type == BusinessHour.Custom && !multiple) ? null : BusinessHourSchedule.IsOpen(hour, now);
            if (hour.AppliedOpen == due) continue;
            hour.AppliedOpen = due;
            hour.Version++;
            changed++;
        }
        if (changed == 0) return 0;

        var (open, closed) = await AgentsAsync(db, hours, ct);
        var agents = await db.Users.Where(u => u.Active && u.Roles.Contains(AgentRoles.Agent)
            && ((u.StatusLivechat == "available" && closed.Contains(u.Id)) || (u.LivechatStatusSystemModified && open.Contains(u.Id)))).ToListAsync(ct);
        foreach (var agent in agents)
        {
            var opening = open.Contains(agent.Id);
            agent.StatusLivechat = opening ? "available" : "not-available";
            agent.LivechatStatusSystemModified = !opening;
            agent.UpdatedAt = now;
        }
        try
        {
            await services.GetRequiredService<Writes>().SaveAsync(db, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return 0;   // another process applied these transitions first (or a save changed an hour meanwhile)
        }
        return changed;
    }

    /// <summary>
    /// The agents whose hours are open and those whose hours are all closed, by the hours' applied states: an agent of
    /// departments with applied custom hours follows those (open when any is), every other agent the default hour.
    /// </summary>
    static async Task<(HashSet<string> Open, HashSet<string> Closed)> AgentsAsync(LivechatDb db, List<BusinessHour> hours, CancellationToken ct)
    {
        var agentIds = await db.Users.Where(u => u.Active && u.Roles.Contains(AgentRoles.Agent)).Select(u => u.Id).ToListAsync(ct);
        var byAgent = await CustomStatesOfAgentsAsync(db, hours, ct);
        var defaultOpen = hours.FirstOrDefault(h => h.Type == BusinessHour.Default)?.AppliedOpen ?? true;
        var open = new HashSet<string>(StringComparer.Ordinal);
        var closed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in agentIds)
        {
            var isOpen = byAgent.TryGetValue(id, out var states) ? states.Any(s => s) : defaultOpen;
            (isOpen ? open : closed).Add(id);
        }
        return (open, closed);
    }

    /// <summary>For each agent in a department of an applied custom hour, the applied states of those hours.</summary>
    static async Task<Dictionary<string, List<bool>>> CustomStatesOfAgentsAsync(LivechatDb db, List<BusinessHour> hours, CancellationToken ct)
    {
        var departments = hours.Where(h => h.Type == BusinessHour.Custom && h.AppliedOpen is not null)
            .SelectMany(h => h.Departments.Select(d => (Department: d, Open: h.AppliedOpen!.Value)))
            .ToDictionary(x => x.Department, x => x.Open, StringComparer.Ordinal);
        var ids = departments.Keys.ToList();
        var memberships = ids.Count == 0 ? [] : await db.DepartmentAgents.AsNoTracking().Where(a => ids.Contains(a.DepartmentId))
            .Select(a => new { a.AgentId, a.DepartmentId }).ToListAsync(ct);
        return memberships.GroupBy(m => m.AgentId).ToDictionary(g => g.Key, g => g.Select(m => departments[m.DepartmentId]).ToList(), StringComparer.Ordinal);
    }
}
