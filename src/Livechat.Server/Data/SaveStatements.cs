using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Livechat.Server.Data;

/// <summary>
/// A prepared save compiled into SQLite statements before the write's turn, so the group writer only binds and runs
/// them (<see cref="SqliteStatementCache"/>) instead of EF Core's update pipeline. Tables, columns, keys, concurrency
/// tokens and value converters all come from the EF model, and each value is converted by the column's own type
/// mapping, so a row is written exactly as <c>SaveChanges</c> writes it. Order: deletes (dependents first), updates,
/// inserts (principals first), which frees a unique value before another row takes it.
/// <para>
/// <see cref="Compile"/> answers null, and the save goes through EF Core's pipeline, when an entity type has what this
/// does not handle (owned or complex types, inheritance, shared or split tables, store-generated values other than an
/// autoincrement key, foreign keys to itself; decided once per entity type), when an update moves a foreign key, or
/// when two updates of one table change unique columns (their order would matter).
/// </para>
/// </summary>
sealed class SaveStatements
{
    SaveStatements(List<Statement> statements, int entries)
    {
        Statements = statements;
        Entries = entries;
    }

    internal List<Statement> Statements { get; }

    /// <summary>How many entries the save writes (what <c>SaveChanges</c> answers).</summary>
    internal int Entries { get; }

    /// <summary>One statement: its SQL (the cache key), its parameters with provider values, and what to read back.</summary>
    internal sealed record Statement(string Sql, SqliteParameter[] Parameters, EntityEntry Entry, bool OneRow, Generated? Generated);

    /// <summary>A key the database generates (SQLite autoincrement), read back with <c>RETURNING</c>.</summary>
    internal sealed record Generated(IProperty Property, RelationalTypeMapping Mapping);

    static readonly ConditionalWeakTable<IModel, ConcurrentDictionary<IEntityType, Table?>> Tables = [];
    static readonly SqliteCommand ParameterSource = new();

    /// <summary>Whether saves of <paramref name="type"/> are compiled (or left to EF Core's pipeline).</summary>
    public static bool Compiles(LivechatDb db, IEntityType type)
    {
        var tables = TablesOf(db);
        return tables.GetOrAdd(type, t => Table.Of(t, tables)) is not null;
    }

    static ConcurrentDictionary<IEntityType, Table?> TablesOf(LivechatDb db) =>
        Tables.GetValue(db.Model, _ => new ConcurrentDictionary<IEntityType, Table?>());

    /// <summary>The statements of the tracker's Added, Modified and Deleted entries, or null for EF's pipeline.</summary>
    public static SaveStatements? Compile(LivechatDb db)
    {
        var tables = TablesOf(db);
        var work = new List<(int Order, long Sequence, EntityEntry Entry, Table Table, ulong Changed)>();
        var uniqueUpdates = new HashSet<Table>();
        foreach (var entry in db.ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted)) continue;
            var table = tables.GetOrAdd(entry.Metadata, type => Table.Of(type, tables));
            if (table is null) return null;
            switch (entry.State)
            {
                case EntityState.Deleted:
                    work.Add((-table.Rank, 0, entry, table, 0));
                    break;
                case EntityState.Modified:
                    var changed = table.Changed(entry);
                    if ((changed & table.ForeignKeyColumns) != 0) return null;
                    if ((changed & table.UniqueColumns) != 0 && !uniqueUpdates.Add(table)) return null;
                    if (changed != 0) work.Add((1_000_000, 0, entry, table, changed));
                    break;
                default:
                    // Rows with a generated key are inserted in the order they were added (the temporary keys count up).
                    var sequence = table.Generated is { } key && entry.Property(key.Property).IsTemporary
                        ? Convert.ToInt64(entry.CurrentValues[key.Property], System.Globalization.CultureInfo.InvariantCulture) : 0;
                    work.Add((2_000_000 + table.Rank, sequence, entry, table, 0));
                    break;
            }
        }
        var statements = work.OrderBy(w => w.Order).ThenBy(w => w.Sequence)
            .Select(w => w.Entry.State switch
            {
                EntityState.Deleted => w.Table.Delete(w.Entry),
                EntityState.Modified => w.Table.Update(w.Entry, w.Changed),
                _ => w.Table.Insert(w.Entry),
            }).ToList();
        return new SaveStatements(statements, statements.Count);
    }

    /// <summary>How one entity type maps to its table, worked out once from the model.</summary>
    sealed class Table
    {
        readonly string _name;
        readonly IProperty[] _properties;
        readonly string[] _columns;
        readonly RelationalTypeMapping[] _mappings;
        readonly int[] _key;
        readonly int[] _tokens;
        readonly int _generated = -1;
        readonly string _insert;
        readonly string? _insertReturning;
        readonly ConcurrentDictionary<(ulong Set, ulong NullTokens), string> _updates = new();

        public int Rank { get; private init; }
        public ulong ForeignKeyColumns { get; }
        public ulong UniqueColumns { get; }
        public Generated? Generated { get; }

        Table(IEntityType type, string name, StoreObjectIdentifier store)
        {
            _name = Quote(name);
            _properties = type.GetProperties().ToArray();
            _columns = _properties.Select(p => Quote(p.GetColumnName(store)!)).ToArray();
            _mappings = _properties.Select(p => p.GetTableColumnMappings().Single().TypeMapping).ToArray();
            _key = type.FindPrimaryKey()!.Properties.Select(p => Array.IndexOf(_properties, p)).ToArray();
            _tokens = _properties.Select((p, i) => (p, i)).Where(c => c.p.IsConcurrencyToken).Select(c => c.i).ToArray();
            ForeignKeyColumns = Mask(type.GetForeignKeys().SelectMany(k => k.Properties));
            UniqueColumns = Mask(type.GetIndexes().Where(i => i.IsUnique).SelectMany(i => i.Properties)
                .Concat(type.GetKeys().Where(k => !k.IsPrimaryKey()).SelectMany(k => k.Properties)));
            var generated = _properties.FirstOrDefault(p => p.ValueGenerated != ValueGenerated.Never);
            if (generated is not null)
            {
                _generated = Array.IndexOf(_properties, generated);
                Generated = new Generated(generated, _mappings[_generated]);
            }
            var all = Enumerable.Range(0, _properties.Length).ToArray();
            _insert = InsertSql(all, null);
            _insertReturning = Generated is null ? null : InsertSql(all.Where(i => i != _generated).ToArray(), _columns[_generated]);
        }

        ulong Mask(IEnumerable<IProperty> properties) =>
            properties.Aggregate(0UL, (mask, p) => mask | (1UL << Array.IndexOf(_properties, p)));

        /// <summary>The table of <paramref name="type"/>, or null when its saves are left to EF Core.</summary>
        public static Table? Of(IEntityType type, ConcurrentDictionary<IEntityType, Table?> tables, HashSet<IEntityType>? visiting = null)
        {
            if (type.GetTableName() is not { } name || type.GetViewName() is not null || type.GetSqlQuery() is not null
                || type.GetFunctionName() is not null || type.BaseType is not null || type.GetDirectlyDerivedTypes().Any()
                || type.IsOwned() || type.GetNavigations().Any(n => n.TargetEntityType.IsOwned()) || type.GetComplexProperties().Any()
                || type.GetMappingFragments().Any() || type.FindPrimaryKey() is null
                || type.GetTableMappings().Any(m => m.Table.EntityTypeMappings.Count() > 1))
            {
                return null;
            }
            var properties = type.GetProperties().ToList();
            var generated = properties.Where(p => p.ValueGenerated != ValueGenerated.Never).ToList();
            var store = StoreObjectIdentifier.Table(name, type.GetSchema());
            if (properties.Count > 64 || properties.Any(p => p.GetColumnName(store) is null || p.GetComputedColumnSql() is not null
                || p.GetTableColumnMappings().Count() != 1)
                || generated.Count > 1
                || (generated.Count == 1 && (!generated[0].IsPrimaryKey() || generated[0].ValueGenerated != ValueGenerated.OnAdd
                    || generated[0].GetDefaultValueSql() is not null || !type.IsSqlReturningClauseUsed())))
            {
                return null;
            }
            // Principals are inserted before their dependents: a table ranks after every table it points to.
            visiting ??= [];
            if (!visiting.Add(type)) return null;
            var rank = 0;
            foreach (var principal in type.GetForeignKeys().Select(k => k.PrincipalEntityType).Distinct())
            {
                if (principal == type) return null;
                if (tables.GetOrAdd(principal, p => Of(p, tables, visiting)) is not { } table) return null;
                rank = Math.Max(rank, table.Rank + 1);
            }
            visiting.Remove(type);
            return new Table(type, name, store) { Rank = rank };
        }

        /// <summary>The columns an update writes: the modified properties (never the key).</summary>
        public ulong Changed(EntityEntry entry)
        {
            var mask = 0UL;
            for (var i = 0; i < _properties.Length; i++)
            {
                if (!_properties[i].IsPrimaryKey() && entry.Property(_properties[i]).IsModified) mask |= 1UL << i;
            }
            return mask;
        }

        public Statement Insert(EntityEntry entry)
        {
            var values = entry.CurrentValues;
            var generate = Generated is not null && entry.Property(Generated.Property).IsTemporary;
            var parameters = new List<SqliteParameter>(_properties.Length);
            for (var i = 0; i < _properties.Length; i++)
            {
                if (!generate || i != _generated) parameters.Add(Parameter(parameters.Count, i, values[_properties[i]]));
            }
            return new Statement(generate ? _insertReturning! : _insert, [.. parameters], entry, OneRow: false, generate ? Generated : null);
        }

        public Statement Update(EntityEntry entry, ulong set)
        {
            var values = entry.CurrentValues;
            var parameters = new List<SqliteParameter>();
            for (var i = 0; i < _properties.Length; i++)
            {
                if ((set & (1UL << i)) != 0) parameters.Add(Parameter(parameters.Count, i, values[_properties[i]]));
            }
            var nullTokens = KeyParameters(entry, parameters);
            var sql = _updates.GetOrAdd((set, nullTokens), k => UpdateSql(k.Set, k.NullTokens));
            return new Statement(sql, [.. parameters], entry, OneRow: true, null);
        }

        public Statement Delete(EntityEntry entry)
        {
            var parameters = new List<SqliteParameter>();
            var nullTokens = KeyParameters(entry, parameters);
            var sql = _updates.GetOrAdd((0, nullTokens), k => $"DELETE FROM {_name} WHERE {Where(0, k.NullTokens)};");
            return new Statement(sql, [.. parameters], entry, OneRow: true, null);
        }

        /// <summary>The key's and the concurrency tokens' original values; answers the tokens that were null (<c>IS NULL</c>).</summary>
        ulong KeyParameters(EntityEntry entry, List<SqliteParameter> parameters)
        {
            var originals = entry.OriginalValues;
            foreach (var i in _key) parameters.Add(Parameter(parameters.Count, i, originals[_properties[i]]));
            var nullTokens = 0UL;
            foreach (var i in _tokens)
            {
                if (originals[_properties[i]] is { } original) parameters.Add(Parameter(parameters.Count, i, original));
                else nullTokens |= 1UL << i;
            }
            return nullTokens;
        }

        /// <summary>The value as EF Core binds it: converted and typed by the column's type mapping.</summary>
        SqliteParameter Parameter(int number, int column, object? value) =>
            (SqliteParameter)_mappings[column].CreateParameter(ParameterSource, $"@p{number}", value, _properties[column].IsNullable);

        string InsertSql(int[] columns, string? returning)
        {
            var sql = new StringBuilder($"INSERT INTO {_name} (")
                .AppendJoin(", ", columns.Select(i => _columns[i])).Append(") VALUES (")
                .AppendJoin(", ", columns.Select((_, n) => $"@p{n}")).Append(')');
            if (returning is not null) sql.Append(" RETURNING ").Append(returning);
            return sql.Append(';').ToString();
        }

        /// <summary>An update's SQL (the same cache holds the deletes, whose set of columns is empty).</summary>
        string UpdateSql(ulong set, ulong nullTokens)
        {
            var columns = Enumerable.Range(0, _properties.Length).Where(i => (set & (1UL << i)) != 0).ToArray();
            return new StringBuilder($"UPDATE {_name} SET ")
                .AppendJoin(", ", columns.Select((i, n) => $"{_columns[i]} = @p{n}"))
                .Append(" WHERE ").Append(Where(columns.Length, nullTokens)).Append(';').ToString();
        }

        /// <summary><c>"key" = @pN AND "token" = @pN+1 …</c>, with <c>IS NULL</c> for the tokens in <paramref name="nullTokens"/>.</summary>
        string Where(int first, ulong nullTokens)
        {
            var parts = new List<string>();
            foreach (var i in _key) parts.Add($"{_columns[i]} = @p{first++}");
            foreach (var i in _tokens) parts.Add((nullTokens & (1UL << i)) != 0 ? $"{_columns[i]} IS NULL" : $"{_columns[i]} = @p{first++}");
            return string.Join(" AND ", parts);
        }

        static string Quote(string name) => $"\"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
    }
}
