using Microsoft.EntityFrameworkCore.Update;

namespace Livechat.Server.Data;

/// <summary>
/// The order of the statements in one <c>SaveChanges</c> batch on PostgreSQL, so that every transaction takes its row
/// locks in one global order: the room first, then the visitor, then the inquiry, then everything else (the room's tag
/// and field rows, messages, change events, outbox rows). EF Core's own order is by table name, which put
/// <c>room_fields</c> and <c>room_tags</c> before <c>rooms</c>: an optimistic save locked a room's side-table rows
/// before the room, while a locked attempt or a message locks the room first (<see cref="Rooms.RoomLocks"/>), and the
/// two deadlocked until PostgreSQL's detector broke the tie after <c>deadlock_timeout</c> (1 s), the benchmark's
/// saveInfo tail. With the room's version-checked <c>UPDATE</c> first, a second writer of the same room waits on the
/// room row before it touches anything else, and then fails its version check instead of deadlocking.
/// Within one table the order stays EF Core's (state, then key), which keeps two saves of many rows of one table in
/// one order too. Foreign-key and unique-key dependencies still come first: EF Core sorts by them before this order.
/// </summary>
sealed class RowLockOrder : IComparer<IReadOnlyModificationCommand>
{
    /// <summary>The tables whose rows are locked first, in this order; every other table follows by name.</summary>
    static readonly string[] First = ["rooms", "visitors", "inquiries"];

    public int Compare(IReadOnlyModificationCommand? x, IReadOnlyModificationCommand? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return -1;
        if (y is null) return 1;
        var result = Rank(x).CompareTo(Rank(y));
        if (result != 0) return result;
        result = string.CompareOrdinal(x.Schema, y.Schema);
        if (result != 0) return result;
        result = string.CompareOrdinal(x.TableName, y.TableName);
        if (result != 0) return result;
        result = ((int)x.EntityState).CompareTo((int)y.EntityState);
        if (result != 0 || x.EntityState == Microsoft.EntityFrameworkCore.EntityState.Added) return result;
        return CompareKeys(x, y);
    }

    static int Rank(IReadOnlyModificationCommand command)
    {
        var index = Array.IndexOf(First, command.TableName);
        return index < 0 ? First.Length : index;
    }

    /// <summary>Rows of one table in the order of their primary keys (as EF Core orders them).</summary>
    static int CompareKeys(IReadOnlyModificationCommand x, IReadOnlyModificationCommand y)
    {
        if (x.Entries.Count == 0 || y.Entries.Count == 0) return 0;
        var (xEntry, yEntry) = (x.Entries[0], y.Entries[0]);
        var result = string.CompareOrdinal(xEntry.EntityType.Name, yEntry.EntityType.Name);
        if (result != 0) return result;
        var key = xEntry.EntityType.FindPrimaryKey();
        if (key is null) return 0;
        foreach (var property in key.Properties)
        {
            var (a, b) = (xEntry.GetCurrentValue(property), yEntry.GetCurrentValue(property));
            result = a is string s && b is string t ? string.CompareOrdinal(s, t) : Comparer<object>.Default.Compare(a, b);
            if (result != 0) return result;
        }
        return 0;
    }
}
