using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Livechat.Server.Data;

/// <summary>
/// A query compiled once per model (<c>EF.CompileAsyncQuery</c>) for the hot paths: no expression tree to build,
/// parameterize and look up on every call. EF binds a compiled query to the model it first ran against, and one process
/// can hold several (SQLite's and PostgreSQL's, side by side in the tests), so each model gets its own.
/// </summary>
public sealed class CompiledQuery<TQuery>(Func<TQuery> compile) where TQuery : class
{
    readonly ConditionalWeakTable<IModel, TQuery> _byModel = [];

    public TQuery For(DbContext db) => _byModel.TryGetValue(db.Model, out var query) ? query : _byModel.GetValue(db.Model, _ => compile());
}
