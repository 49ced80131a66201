using Livechat.Server.Data;
using Livechat.Server.Http;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Priorities;

public static class DefaultPriorities
{
    /// <summary>Rocket.Chat's five defaults (<c>LivechatPriorityWeight</c>); <c>i18n</c> is the translation key.</summary>
    public static readonly IReadOnlyList<(string I18n, int SortItem)> All =
        [("Highest", 1), ("High", 2), ("Medium", 3), ("Low", 4), ("Lowest", 5)];

    /// <summary>Seeds the defaults at first start; the sortItem index keeps a second seeding from adding duplicates.</summary>
    public static async Task SeedAsync(LivechatDb db, DateTime now, CancellationToken ct)
    {
        var existing = await db.Priorities.Select(p => p.SortItem).ToListAsync(ct);
        foreach (var (i18n, sortItem) in All.Where(d => !existing.Contains(d.SortItem)))
        {
            db.Priorities.Add(new Priority { Id = Ids.NewObjectId(), I18n = i18n, SortItem = sortItem, Dirty = false, UpdatedAt = now });
        }
        await db.SaveChangesAsync(ct);
    }
}
