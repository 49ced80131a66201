namespace Livechat.Server.Http;

/// <summary>
/// Filtering, sorting and paging for the small admin catalogues (tags, priorities, SLAs, custom fields), done in memory:
/// ordinal ordering and case-insensitive "contains" behave the same on both providers, which SQL collations do not.
/// </summary>
public static class CatalogueListing
{
    /// <summary>Case-insensitive "contains" on the literal text (api-conventions §6); null or empty text matches all.</summary>
    public static bool ContainsText(string? text, params string?[] candidates) =>
        string.IsNullOrEmpty(text) || candidates.Any(c => c is not null && c.Contains(text, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Orders by the requested sort (or the default), ignoring unknown fields as Rocket.Chat does; missing values sort first,
    /// as MongoDB sorts a missing field, and ties keep <paramref name="items"/>' order.
    /// </summary>
    public static (List<T> Page, int Total) Page<T>(
        this Paging paging, IEnumerable<T> items, IReadOnlyDictionary<string, Func<T, IComparable?>> fields,
        params (string Field, int Direction)[] defaultSort)
    {
        var sort = (paging.Sort ?? defaultSort).Where(s => fields.ContainsKey(s.Field)).ToList();
        var list = items.ToList();
        IEnumerable<T> ordered = list;
        if (sort.Count > 0)
        {
            IOrderedEnumerable<T>? chain = null;
            foreach (var (field, direction) in sort)
            {
                var key = fields[field];
                chain = chain is null
                    ? direction > 0 ? list.OrderBy(key, ValueComparer.Instance) : list.OrderByDescending(key, ValueComparer.Instance)
                    : direction > 0 ? chain.ThenBy(key, ValueComparer.Instance) : chain.ThenByDescending(key, ValueComparer.Instance);
            }
            ordered = chain!;
        }
        var page = ordered.Skip(paging.Offset);
        if (paging.Count is { } count) page = page.Take(count);
        return (page.ToList(), list.Count);
    }

    sealed class ValueComparer : IComparer<IComparable?>
    {
        public static readonly ValueComparer Instance = new();

        public int Compare(IComparable? x, IComparable? y) => (x, y) switch
        {
            (null, null) => 0,
            (null, _) => -1,
            (_, null) => 1,
            (string a, string b) => string.CompareOrdinal(a, b),
            _ => x.CompareTo(y),
        };
    }
}
