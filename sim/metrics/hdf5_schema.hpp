#pragma once
// The layout of the HDF5 output as data: for each record struct, its dataset path, a description, and its
// columns (name, offset in the struct, type, unit). The writer builds its HDF5 compound types from these
// tables, and the tests check the files and SCHEMA.md against them. No HDF5 here.
#include "metrics/records.hpp"

#include <cstddef>
#include <span>
#include <type_traits>

namespace v2x {

enum class ColumnType : std::uint8_t {
  U8,
  Bool, // uint8 holding 0 or 1
  U32,
  F64,
  Name, // FixedName: 32-byte NUL-padded UTF-8 string
  MessageOutcome,
  MessageCause,
  MigrationReason,
  MigrationTrigger,
  MigrationOutcome,
  StationKind,
  TwinState,
  FaultKind,
};

struct Column {
  const char* name;   // member name = HDF5 compound member name
  std::size_t offset; // offsetof(Row, member)
  ColumnType type;
  const char* unit; // "s", "m", "B", "MB", "cores", "count", "1" (fraction), "id", "enum", "text", "bool"
};

struct TableSpec {
  const char* path; // dataset path in the file
  const char* doc;  // the dataset's `doc` attribute
  std::size_t row_size;
  std::span<const Column> columns;
};

/// The spec of the dataset holding rows of type Row (defined in records.cpp for each record struct).
template <class Row> const TableSpec& table_spec();
template <> const TableSpec& table_spec<SiteRecord>();
template <> const TableSpec& table_spec<RsuRecord>();
template <> const TableSpec& table_spec<ChannelSample>();
template <> const TableSpec& table_spec<BrokerRecord>();
template <> const TableSpec& table_spec<MessageRecord>();
template <> const TableSpec& table_spec<HandoverRecord>();
template <> const TableSpec& table_spec<MigrationRecord>();
template <> const TableSpec& table_spec<PhaseRecord>();
template <> const TableSpec& table_spec<StationRecord>();
template <> const TableSpec& table_spec<TwinSample>();
template <> const TableSpec& table_spec<MecSample>();
template <> const TableSpec& table_spec<FaultRecord>();
template <> const TableSpec& table_spec<ContinuityRecord>();

/// The names of an enumeration column type's values, indexed by value (empty for the other types). These are
/// the member names of the HDF5 enum types: lower-case snake_case of the C++ enumerators.
std::span<const char* const> enum_names(ColumnType t);

/// Every table, in the order the writer creates them.
std::span<const TableSpec* const> all_table_specs();

namespace schema_detail {
template <class T> constexpr bool kUnsupported = false;

template <class T> constexpr ColumnType column_type_of()
{
  if constexpr (std::is_same_v<T, std::uint8_t>)
    return ColumnType::U8;
  else if constexpr (std::is_same_v<T, std::uint32_t>)
    return ColumnType::U32;
  else if constexpr (std::is_same_v<T, double>)
    return ColumnType::F64;
  else if constexpr (std::is_same_v<T, FixedName>)
    return ColumnType::Name;
  else if constexpr (std::is_same_v<T, MessageOutcome>)
    return ColumnType::MessageOutcome;
  else if constexpr (std::is_same_v<T, MessageCause>)
    return ColumnType::MessageCause;
  else if constexpr (std::is_same_v<T, MigrationReason>)
    return ColumnType::MigrationReason;
  else if constexpr (std::is_same_v<T, MigrationTrigger>)
    return ColumnType::MigrationTrigger;
  else if constexpr (std::is_same_v<T, MigrationOutcome>)
    return ColumnType::MigrationOutcome;
  else if constexpr (std::is_same_v<T, StationKind>)
    return ColumnType::StationKind;
  else if constexpr (std::is_same_v<T, TwinState>)
    return ColumnType::TwinState;
  else if constexpr (std::is_same_v<T, FaultKind>)
    return ColumnType::FaultKind;
  else
    static_assert(kUnsupported<T>, "no HDF5 column type for this member type");
}
} // namespace schema_detail

/// A Column for Row::member, its type deduced from the member's C++ type.
// clang-format off
#define V2X_COLUMN(Row, member, unit) \
  ::v2x::Column{#member, offsetof(Row, member), ::v2x::schema_detail::column_type_of<decltype(Row::member)>(), unit}
// clang-format on

} // namespace v2x
