namespace Livechat.Client;

/// <summary>One page of a list: its items, and where it sits in the whole (<c>count</c>, <c>offset</c>, <c>total</c>).</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, int Count, int Offset, int Total)
{
    public bool HasMore => Offset + Count < Total;
}

/// <summary>Paging and sorting of a list request.</summary>
/// <param name="Sort">A field and direction, e.g. <c>("ts", -1)</c>; <c>null</c> for the endpoint's default order.</param>
public sealed record PageRequest(int? Count = null, int? Offset = null, (string Field, int Direction)? Sort = null)
{
    public static PageRequest Default { get; } = new();
}

/// <summary>A date range (either bound optional).</summary>
public sealed record DateRange(DateTime? Start = null, DateTime? End = null);

/// <summary>The filters of <c>livechat/rooms</c>; null members are not sent.</summary>
public sealed record RoomQuery
{
    /// <summary><c>true</c>: open and served; <c>false</c>: closed.</summary>
    public bool? Open { get; init; }

    /// <summary>Only rooms waiting in the queue (open, no agent).</summary>
    public bool? Queued { get; init; }
    public bool? OnHold { get; init; }

    /// <summary>Serving agents' ids.</summary>
    public IReadOnlyList<string>? Agents { get; init; }
    public IReadOnlyList<string>? DepartmentIds { get; init; }
    public IReadOnlyList<string>? Tags { get; init; }

    /// <summary>A part of the visitor's name; in double quotes, the exact name.</summary>
    public string? RoomName { get; init; }

    /// <summary>Room custom field values (case-insensitive "contains").</summary>
    public IReadOnlyDictionary<string, string>? CustomFields { get; init; }
    public DateRange? CreatedAt { get; init; }
    public DateRange? ClosedAt { get; init; }
}

/// <summary>Reading a whole list through its pages.</summary>
public static class Paging
{
    /// <summary>
    /// Every item of a list: the first page, then the rest of <see cref="Page{T}.Total"/> in parallel. The server caps a
    /// page at <c>API_Upper_Count_Limit</c> (100 by default), so a larger <paramref name="pageSize"/> is cut to that size
    /// and the remaining pages follow the size of the first answer. An item that moves between pages while they are
    /// read can appear twice or not at all; dedupe by id where that matters.
    /// </summary>
    /// <param name="fetch">One page of the list, e.g. <c>(page, ct) =&gt; client.Tags.ListAsync(page: page, cancellationToken: ct)</c>.</param>
    public static async Task<IReadOnlyList<T>> AllAsync<T>(Func<PageRequest, CancellationToken, Task<Page<T>>> fetch, int pageSize = 100,
        (string Field, int Direction)? sort = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fetch);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pageSize);
        var first = await fetch(new PageRequest(pageSize, 0, sort), cancellationToken).ConfigureAwait(false);
        var size = first.Items.Count;
        if (size == 0 || first.Total <= size) return first.Items;
        var rest = new List<Task<Page<T>>>();
        for (var offset = size; offset < first.Total; offset += size)
        {
            rest.Add(fetch(new PageRequest(size, offset, sort), cancellationToken));
        }
        var items = new List<T>(first.Total);
        items.AddRange(first.Items);
        foreach (var page in await Task.WhenAll(rest).ConfigureAwait(false)) items.AddRange(page.Items);
        return items;
    }
}
