//! Any bytes as the raw-mode physicians file (other files valid and fixed): an error or indexes,
//! never a panic.
#![no_main]
use ishi_io::sheet::Sheet;
use libfuzzer_sys::fuzz_target;

const AREAS: &str = "area_code,area,tertiary_code,tertiary\n0101,A,01,P\n0102,B,01,P\n0201,C,02,Q\n";
const RATES: &str = "sex,age_from,inpatient_rate,clinic_outpatient_rate\nM,0,0.01,0.02\nM,5,0.01,0.02\nM,10,0.01,0.02\nM,15,0.01,0.02\nM,20,0.01,0.02\nM,25,0.01,0.02\nM,30,0.01,0.02\nM,35,0.01,0.02\nM,40,0.01,0.02\nM,45,0.01,0.02\nM,50,0.01,0.02\nM,55,0.01,0.02\nM,60,0.01,0.02\nM,65,0.01,0.02\nM,70,0.01,0.02\nM,75,0.01,0.02\nM,80,0.01,0.02\nM,85,0.01,0.02\nM,90,0.01,0.02\nF,0,0.01,0.02\nF,5,0.01,0.02\nF,10,0.01,0.02\nF,15,0.01,0.02\nF,20,0.01,0.02\nF,25,0.01,0.02\nF,30,0.01,0.02\nF,35,0.01,0.02\nF,40,0.01,0.02\nF,45,0.01,0.02\nF,50,0.01,0.02\nF,55,0.01,0.02\nF,60,0.01,0.02\nF,65,0.01,0.02\nF,70,0.01,0.02\nF,75,0.01,0.02\nF,80,0.01,0.02\nF,85,0.01,0.02\nF,90,0.01,0.02\n";
const HOURS: &str = "sex,age_band,hours\nM,20,50\nM,30,50\nM,40,50\nM,50,50\nM,60,50\nM,70,50\nF,20,40\nF,30,40\nF,40,40\nF,50,40\nF,60,40\nF,70,40\n";
const PARAMETERS: &str = "name,value,source\nclinic_demand_weight,0.6,fuzz\n";
const POPULATION: &str = "area_code,sex,age_from,population\n0101,M,0,1000\n0102,F,40,2000\n0201,M,80,500\n";

fuzz_target!(|data: &[u8]| {
    let open = |stem: &str| -> Result<Option<Sheet>, ishi_io::IoError> {
        let text: &[u8] = match stem {
            "areas" => AREAS.as_bytes(),
            "rates" => RATES.as_bytes(),
            "hours" => HOURS.as_bytes(),
            "parameters" => PARAMETERS.as_bytes(),
            "population" => POPULATION.as_bytes(),
            "physicians" => data,
            _ => return Ok(None),
        };
        Ok(Some(Sheet::from_csv(&format!("{stem}.csv"), text)?))
    };
    let Ok(bundle) = ishi_io::raw_files::read_raw_sheets(open, "fuzz") else { return };
    let edition = ishi_plan::RuleEdition::builtin("2024").unwrap();
    let tally = bundle.tally(&edition);
    let _ = ishi_plan::raw::compute(&bundle.inputs, &tally, &edition);
});
