using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Livechat.Server.Data;

/// <summary>
/// An EF compiled query (<c>EF.CompileAsyncQuery</c>) for each model it runs against: a compiled query skips EF's
/// per-call expression work (parameter extraction, the query-cache lookup), but EF binds it to the first model it meets,
/// and one process can hold more than one (SQLite and PostgreSQL servers side by side in the tests).
/// </summary>
public sealed class CompiledQuery<TQuery>(Func<TQuery> compile) where TQuery : class
{
    readonly ConditionalWeakTable<IModel, TQuery> _compiled = [];

    public TQuery For(DbContext db) => _compiled.GetValue(db.Model, _ => compile());
}
